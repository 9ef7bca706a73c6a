// A batch of records on its way to a destination: the records' JSON text stored back to back in
// one buffer, plus where each ends. One allocation per batch (reused when the pipeline recycles
// the batch), none per record. Records keep the exact bytes the plugin emitted: destinations
// concatenate them, they never re-parse them.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace asset_host::delivery {

class Batch {
public:
    // Position of the batch in the cycle (0, 1, 2, ... in emission order) and the sequence
    // numbers of its first and last record (records are numbered 1, 2, 3, ... per cycle).
    std::uint64_t index = 0;
    std::uint64_t first_seq = 0;
    std::uint64_t last_seq = 0;

    void append(std::string_view record_json);
    // Forgets the records but keeps the buffers' capacity for reuse.
    void clear();

    std::size_t size() const { return ends_.size(); }
    bool empty() const { return ends_.empty(); }
    // Total bytes of record text (separators excluded).
    std::size_t bytes() const { return data_.size(); }
    std::string_view record(std::size_t i) const;

    // Appends the records to `out` separated by `separator` (e.g. "," inside a JSON array,
    // "\n" for NDJSON). Reserves once.
    void join_into(std::string& out, std::string_view separator) const;

private:
    std::string data_;
    std::vector<std::size_t> ends_;  // ends_[i] = offset one past record i in data_
};

}  // namespace asset_host::delivery
