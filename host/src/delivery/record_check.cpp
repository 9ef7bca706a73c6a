#include "delivery/record_check.h"

namespace asset_host::delivery {

std::optional<RecordProblem> RecordCheck::problem(std::string_view json) {
    // Size first: a 100 MB record is never copied or parsed.
    if (json.size() > max_bytes_) {
        return RecordProblem{true, "too large: " + std::to_string(json.size()) +
                                       " bytes (the limit is " + std::to_string(max_bytes_) +
                                       ", destination.max_record_bytes)"};
    }
    scratch_.reserve(json.size() + simdjson::SIMDJSON_PADDING);
    scratch_.assign(json);
    simdjson::dom::element element;
    if (const simdjson::error_code error = parser_.parse(scratch_).get(element)) {
        return RecordProblem{false,
                             std::string("not valid JSON: ") + simdjson::error_message(error)};
    }
    if (!element.is_object()) return RecordProblem{false, "not a JSON object"};
    return std::nullopt;
}

}  // namespace asset_host::delivery
