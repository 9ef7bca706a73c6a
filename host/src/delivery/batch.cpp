#include "delivery/batch.h"

namespace asset_host::delivery {

void Batch::append(std::string_view record_json) {
    data_.append(record_json);
    ends_.push_back(data_.size());
}

void Batch::clear() {
    data_.clear();
    ends_.clear();
    index = first_seq = last_seq = 0;
}

std::string_view Batch::record(std::size_t i) const {
    const std::size_t begin = i == 0 ? 0 : ends_[i - 1];
    return std::string_view(data_).substr(begin, ends_[i] - begin);
}

void Batch::join_into(std::string& out, std::string_view separator) const {
    const std::size_t separators = ends_.empty() ? 0 : ends_.size() - 1;
    out.reserve(out.size() + data_.size() + separators * separator.size());
    for (std::size_t i = 0; i < ends_.size(); ++i) {
        if (i > 0) out.append(separator);
        out.append(record(i));
    }
}

}  // namespace asset_host::delivery
