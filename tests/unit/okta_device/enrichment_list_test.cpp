// The enrichment entries composed from names built at compile time are the same bytes as the
// entries written value by value with JsonWriter (the way EnrichmentList wrote all of them before,
// kept here as the reference).
#include "enrichment_list.h"

#include <asset_sdk/json_writer.h>

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <string>
#include <string_view>
#include <vector>

using namespace asset_sdk::json_literals;
using okta_device::EnrichmentList;
using okta_device::operator""_entry;

namespace {

// The reference: an entry written field by field, as EnrichmentList::begin() + end() still do.
void reference_entry(asset_sdk::JsonWriter& w, std::string_view name, std::string_view value,
                     const std::vector<std::string_view>* users) {
    w.begin_object().field("name"_key, name).field("value"_key, value).key("data"_key);
    w.begin_object();
    if (users) {
        w.key("Users"_key).begin_array();
        for (std::string_view u : *users) w.value(u);
        w.end_array();
    }
    w.end_object().end_object();
}

const std::vector<std::string_view> kValues = {
    "",
    "ACTIVE",
    "quote \" backslash \\ newline \n tab \t",
    "caf\xC3\xA9 \xE2\x82\xAC",
    std::string_view("bad \xFF byte and \x01 control", 25),
    "a longer value of more than sixteen bytes"};

}  // namespace

TEST_CASE("composed enrichment entries are the bytes of the entries written value by value") {
    const std::vector<std::vector<std::string_view>> user_lists = {
        {}, {"ann@acme.com"}, {"ann@acme.com", "b\"ob@acme.com", "caf\xC3\xA9@acme.com"}};
    for (std::string_view value : kValues) {
        for (const auto& users : user_lists) {
            std::string composed;
            std::string scratch;
            {
                asset_sdk::JsonWriter w(composed);
                w.begin_object().field("uid"_key, "d-1");
                {
                    EnrichmentList list(w, scratch);
                    list.simple("device_status"_entry, value);
                    list.flag("registered"_entry, true);
                    list.flag("jailbroken"_entry, false);
                    list.users("screen_lock_type"_entry, value, users);
                    list.begin("disk_encryption", value).field("k"_key, "v");
                    list.end();
                }
                w.end_object();
            }
            std::string expected;
            {
                asset_sdk::JsonWriter w(expected);
                w.begin_object().field("uid"_key, "d-1").key("enrichments"_key).begin_array();
                reference_entry(w, "device_status", value, nullptr);
                reference_entry(w, "registered", "true", nullptr);
                reference_entry(w, "jailbroken", "false", nullptr);
                reference_entry(w, "screen_lock_type", value, &users);
                w.begin_object().field("name"_key, "disk_encryption").field("value"_key, value);
                w.key("data"_key).begin_object().field("k"_key, "v").end_object().end_object();
                w.end_array().end_object();
            }
            CHECK(composed == expected);
            CHECK(nlohmann::json::parse(composed).at("enrichments").size() == 5);
        }
    }
}

TEST_CASE("a list without entries writes no enrichments key; the first entry opens it") {
    std::string out;
    std::string scratch;
    asset_sdk::JsonWriter w(out);
    w.begin_object().field("uid"_key, "d-1");
    { EnrichmentList list(w, scratch); }
    w.end_object();
    CHECK(out == R"({"uid":"d-1"})");

    out.clear();
    asset_sdk::JsonWriter w2(out);
    w2.begin_object();
    {
        EnrichmentList list(w2, scratch);
        list.flag("registered"_entry, true);
    }
    w2.end_object();
    CHECK(out == R"({"enrichments":[{"name":"registered","value":"true","data":{}}]})");
}
