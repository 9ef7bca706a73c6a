#include "device_model.h"

namespace oktasim {

void Device::append_json(ExpandMode mode, std::string& out) const {
    if (mode == ExpandMode::kNone) {
        out += json_plain;
        return;
    }
    // json_plain always ends with the object's closing brace: splice _embedded before it.
    out.append(json_plain, 0, json_plain.size() - 1);
    out += ",\"_embedded\":{\"users\":";
    out += mode == ExpandMode::kUser ? users_full_json : users_summary_json;
    out += "}}";
}

}  // namespace oktasim
