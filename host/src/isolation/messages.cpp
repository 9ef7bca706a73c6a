#include "isolation/messages.h"

#include "isolation/frame.h"

#include <cstring>

namespace asset_host::isolation {

namespace {

asset_sdk::Status malformed(const char* what) {
    return asset_sdk::Status(asset_sdk::StatusCode::kProtocol,
                             std::string("malformed ") + what + " payload");
}

bool finished(const PayloadReader& in) {
    return in.ok() && in.at_end();
}

}  // namespace

std::string encode_config(const WorkerConfig& c) {
    std::string out;
    PayloadWriter w(out);
    w.u8(static_cast<std::uint8_t>(c.command))
        .str(c.plugin_file)
        .str(c.plugin_id)
        .str(c.connector)
        .str(c.manifest_file)
        .str(c.config_json)
        .u8(c.checkpoint ? 1 : 0)
        .str(c.checkpoint.value_or(""))
        .u8(c.full ? 1 : 0)
        .u8(c.log_level)
        .u64(c.memory_limit)
        .u32(c.window_bytes)
        .u32(c.flush_bytes)
        .u32(c.ring_bytes);
    return out;
}

asset_sdk::Result<WorkerConfig> decode_config(std::string_view payload) {
    PayloadReader in(payload);
    WorkerConfig c;
    const std::uint8_t command = in.u8();
    c.plugin_file = in.str();
    c.plugin_id = in.str();
    c.connector = in.str();
    c.manifest_file = in.str();
    c.config_json = in.str();
    const bool has_checkpoint = in.u8() != 0;
    const std::string_view checkpoint = in.str();
    if (has_checkpoint) c.checkpoint = std::string(checkpoint);
    c.full = in.u8() != 0;
    c.log_level = in.u8();
    c.memory_limit = in.u64();
    c.window_bytes = in.u32();
    c.flush_bytes = in.u32();
    c.ring_bytes = in.u32();
    if (!finished(in) || command < 1 || command > 3 || c.window_bytes == 0 || c.flush_bytes == 0 ||
        c.ring_bytes > kMaxRingBytes) {
        return malformed("config");
    }
    c.command = static_cast<WorkerCommand>(command);
    return c;
}

std::string encode_credit(std::uint64_t bytes) {
    std::string out;
    PayloadWriter(out).u64(bytes);
    return out;
}

asset_sdk::Result<std::uint64_t> decode_credit(std::string_view payload) {
    PayloadReader in(payload);
    const std::uint64_t bytes = in.u64();
    if (!finished(in)) return malformed("credit");
    return bytes;
}

std::string encode_stop(ah_stop_reason reason) {
    std::string out;
    PayloadWriter(out).u32(static_cast<std::uint32_t>(reason));
    return out;
}

asset_sdk::Result<ah_stop_reason> decode_stop(std::string_view payload) {
    PayloadReader in(payload);
    const std::uint32_t reason = in.u32();
    // Both ends are the same binary: a reason it does not know is garbage.
    if (!finished(in) || reason > AH_STOP_HOST_ERROR) return malformed("stop");
    return static_cast<ah_stop_reason>(reason);
}

std::string encode_ring_ref(RingRef ref) {
    std::string out;
    PayloadWriter(out).u32(ref.offset).u32(ref.size);
    return out;
}

asset_sdk::Result<RingRef> decode_ring_ref(std::string_view payload) {
    PayloadReader in(payload);
    RingRef ref;
    ref.offset = in.u32();
    ref.size = in.u32();
    if (!finished(in)) return malformed("shared-memory frame");
    return ref;
}

std::string encode_result(const WorkerResult& result) {
    std::string out;
    PayloadWriter(out).u8(static_cast<std::uint8_t>(result.code)).str(result.message);
    return out;
}

asset_sdk::Result<WorkerResult> decode_result(std::string_view payload) {
    PayloadReader in(payload);
    WorkerResult r;
    const std::uint8_t code = in.u8();
    r.message = in.str();
    if (!finished(in) || code > static_cast<std::uint8_t>(ResultCode::kBadRequest)) {
        return malformed("result");
    }
    r.code = static_cast<ResultCode>(code);
    return r;
}

// ---- items ------------------------------------------------------------------------------

void write_item_header(char* out, ItemKind kind, std::uint32_t size) {
    out[0] = static_cast<char>(kind);
    std::memcpy(out + 1, &size, sizeof size);
}

void append_item_header(std::string& out, ItemKind kind, std::uint32_t size) {
    char header[kItemHeaderSize];
    write_item_header(header, kind, size);
    out.append(header, sizeof header);
}

void append_item(std::string& out, ItemKind kind, std::string_view data) {
    append_item_header(out, kind, static_cast<std::uint32_t>(data.size()));
    out.append(data);
}

asset_sdk::Result<std::optional<Item>> ItemReader::next() {
    if (rest_.empty()) return std::optional<Item>();
    if (rest_.size() < kItemHeaderSize) return malformed("items (truncated item header)");
    const auto kind = static_cast<std::uint8_t>(rest_[0]);
    std::uint32_t size = 0;
    std::memcpy(&size, rest_.data() + 1, sizeof size);
    if (kind < 1 || kind > static_cast<std::uint8_t>(ItemKind::kCheck)) {
        return malformed("items (unknown item kind)");
    }
    if (rest_.size() - kItemHeaderSize < size) return malformed("items (truncated item)");
    const Item item{static_cast<ItemKind>(kind), rest_.substr(kItemHeaderSize, size)};
    rest_.remove_prefix(kItemHeaderSize + size);
    return std::optional<Item>(item);
}

std::string encode_log(int level, std::string_view text) {
    std::string out;
    PayloadWriter(out).u8(static_cast<std::uint8_t>(level));
    out.append(text);
    return out;
}

asset_sdk::Result<LogItem> decode_log(std::string_view data) {
    PayloadReader in(data);
    const int level = in.u8();
    const std::string_view text = in.rest();
    if (!in.ok()) return malformed("log");
    return LogItem{level, text};
}

std::string encode_statistic(const ah_statistic& stat) {
    std::string out;
    PayloadWriter w(out);
    w.u8(static_cast<std::uint8_t>(stat.kind)).f64(stat.value).str(stat.name ? stat.name : "");
    const std::size_t count = stat.labels ? std::min<std::size_t>(stat.label_count, 255) : 0;
    w.u8(static_cast<std::uint8_t>(count));
    for (std::size_t i = 0; i < count; ++i) {
        w.str(stat.labels[i].name ? stat.labels[i].name : "");
        w.str(stat.labels[i].value ? stat.labels[i].value : "");
    }
    return out;
}

const ah_statistic& StatisticItem::as_abi() {
    abi_labels_.clear();
    for (const auto& [n, v] : labels) abi_labels_.push_back(ah_label{n.c_str(), v.c_str()});
    abi_ = ah_statistic{};
    abi_.struct_size = sizeof(ah_statistic);
    abi_.kind = kind;
    abi_.name = name.c_str();
    abi_.labels = abi_labels_.empty() ? nullptr : abi_labels_.data();
    abi_.label_count = abi_labels_.size();
    abi_.value = value;
    return abi_;
}

asset_sdk::Result<StatisticItem> decode_statistic(std::string_view data) {
    PayloadReader in(data);
    StatisticItem s;
    const std::uint8_t kind = in.u8();
    if (kind > AH_STAT_GAUGE_SET) return malformed("statistic (unknown kind)");
    s.kind = static_cast<ah_stat_kind>(kind);
    s.value = in.f64();
    s.name = in.str();
    const std::uint8_t count = in.u8();
    if (count > AH_STAT_MAX_LABELS) return malformed("statistic (too many labels)");
    for (std::uint8_t i = 0; i < count && in.ok(); ++i) {
        std::string name(in.str());
        std::string value(in.str());
        s.labels.emplace_back(std::move(name), std::move(value));
    }
    // A NUL inside a name would cut it short once it is a C string: refuse it here.
    bool nul = s.name.find('\0') != std::string::npos;
    for (const auto& [n, v] : s.labels)
        nul = nul || n.find('\0') != n.npos || v.find('\0') != v.npos;
    if (!finished(in) || nul) return malformed("statistic");
    return s;
}

std::string encode_check(const CheckResult& check) {
    std::string out;
    PayloadWriter(out)
        .u8(static_cast<std::uint8_t>(check.status))
        .str(check.name)
        .str(check.detail)
        .str(check.remedy);
    return out;
}

asset_sdk::Result<CheckResult> decode_check(std::string_view data) {
    PayloadReader in(data);
    CheckResult c;
    const std::uint8_t status = in.u8();
    c.name = in.str();
    c.detail = in.str();
    c.remedy = in.str();
    if (!finished(in)) return malformed("check");
    c.status = status == AH_CHECK_OK     ? AH_CHECK_OK
               : status == AH_CHECK_WARN ? AH_CHECK_WARN
                                         : AH_CHECK_FAIL;
    return c;
}

}  // namespace asset_host::isolation
