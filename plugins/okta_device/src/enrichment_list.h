// Sekoia's DeviceEnrichmentObject list: {name, value, data}. Its 1.22 SDK requires all three, so
// `data` is always present ({} when there is nothing structured to add), and only Sekoia's
// DeviceDataObject keys go inside it. The array is opened by the first entry, so a device
// without enrichments has no "enrichments" key.
#pragma once

#include <asset_sdk/json_writer.h>

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace okta_device {

namespace detail {

// `{"name":"<name>","value":`, the start of an entry, built at compile time from a literal name.
// A name that would need escaping does not compile (the consteval constructor throws).
template <std::size_t N>
struct EntryHeadText {
    static constexpr std::string_view kOpen = R"({"name":")";
    static constexpr std::string_view kClose = R"(","value":)";
    char text[kOpen.size() + (N - 1) + kClose.size()] = {};

    consteval EntryHeadText(const char (&name)[N]) {
        std::size_t at = 0;
        for (const char c : kOpen) text[at++] = c;
        for (std::size_t i = 0; i + 1 < N; ++i) {
            if (asset_sdk::json_needs_escaping(static_cast<unsigned char>(name[i]))) {
                throw "EntryHeadText: an entry name must be printable ASCII without quotes or "
                      "backslashes";
            }
            text[at++] = name[i];
        }
        for (const char c : kClose) text[at++] = c;
    }
};

}  // namespace detail

// The name of an enrichment entry known at compile time: "registered"_entry.
class EntryName {
public:
    template <std::size_t N>
    consteval EntryName(const detail::EntryHeadText<N>& head)
        : head_(head.text, sizeof head.text) {}

    std::string_view head() const { return head_; }  // {"name":"registered","value":

private:
    std::string_view head_;
};

template <detail::EntryHeadText T>
constexpr EntryName operator""_entry() {
    return EntryName(T);
}

class EnrichmentList {
public:
    // `scratch` holds one entry at a time (the caller's, reused from record to record).
    EnrichmentList(asset_sdk::JsonWriter& w, std::string& scratch) : w_(w), entry_(scratch) {}
    ~EnrichmentList() {
        if (open_) w_.end_array();
    }
    EnrichmentList(const EnrichmentList&) = delete;
    EnrichmentList& operator=(const EnrichmentList&) = delete;

    // Opens an entry and its "data" object; the caller fills data and calls end().
    asset_sdk::JsonWriter& begin(std::string_view name, std::string_view value) {
        using namespace asset_sdk::json_literals;
        open();
        return w_.begin_object()
            .field("name"_key, name)
            .field("value"_key, value)
            .key("data"_key)
            .begin_object();
    }
    void end() { w_.end_object().end_object(); }

    // The entries below are composed in the scratch string, from the name's text built at
    // compile time, and written as one value, instead of as ~8 writer calls each (the name
    // escaped every time): the same bytes as begin() + end() (enrichment_list_test), a third
    // fewer instructions for a device's enrichments (tests/bench/README.md, "Issue 14, session 8").

    // {"name": name, "value": value, "data": {}}
    void simple(EntryName name, std::string_view value) {
        entry_.assign(name.head());
        asset_sdk::JsonWriter::escape_into(entry_, value);
        entry_.append(R"(,"data":{}})");
        add();
    }
    void flag(EntryName name, bool value) {
        entry_.assign(name.head());
        entry_.append(value ? R"("true","data":{}})" : R"("false","data":{}})");
        add();
    }
    // {"name": name, "value": value, "data": {"Users": [labels...]}}
    void users(EntryName name, std::string_view value,
               const std::vector<std::string_view>& labels) {
        entry_.assign(name.head());
        asset_sdk::JsonWriter::escape_into(entry_, value);
        entry_.append(R"(,"data":{"Users":[)");
        for (std::size_t i = 0; i < labels.size(); ++i) {
            if (i > 0) entry_.push_back(',');
            asset_sdk::JsonWriter::escape_into(entry_, labels[i]);
        }
        entry_.append("]}}");
        add();
    }

private:
    // The array is opened by the first entry.
    void open() {
        using namespace asset_sdk::json_literals;
        if (!open_) {
            w_.key("enrichments"_key).begin_array();
            open_ = true;
        }
    }
    void add() {
        open();
        w_.raw(entry_);
    }

    asset_sdk::JsonWriter& w_;
    std::string& entry_;
    bool open_ = false;
};

}  // namespace okta_device
