#include <asset_sdk/link_header.h>

#include <doctest/doctest.h>

using asset_sdk::find_link;
using asset_sdk::Link;
using asset_sdk::parse_link_header;

TEST_CASE("Okta style: two separate Link headers") {
    const std::vector<std::string_view> values = {
        "<https://acme.okta.com/api/v1/devices?limit=200>; rel=\"self\"",
        "<https://acme.okta.com/api/v1/devices?after=guid%3D%3D&limit=200>; rel=\"next\""};
    CHECK(find_link(values, "next") ==
          "https://acme.okta.com/api/v1/devices?after=guid%3D%3D&limit=200");
    CHECK(find_link(values, "self") == "https://acme.okta.com/api/v1/devices?limit=200");
    CHECK_FALSE(find_link(values, "prev"));
    CHECK_FALSE(find_link({}, "next"));
}

TEST_CASE("one header with two links; commas inside <...> belong to the URL") {
    const auto links = parse_link_header(
        "<https://x.test/a?ids=1,2,3;x>; rel=\"self\", <https://x.test/a?after=9>; rel=next");
    REQUIRE(links.size() == 2);
    CHECK(links[0].url == "https://x.test/a?ids=1,2,3;x");
    CHECK(links[0].rels == std::vector<std::string>{"self"});
    CHECK(links[1].url == "https://x.test/a?after=9");
    CHECK(links[1].rels == std::vector<std::string>{"next"});
}

TEST_CASE("several rels, case-insensitive names and values, extra params, whitespace") {
    const auto links = parse_link_header(
        "  < https://x.test/last >  ;  title=\"a, b; c\" ; REL = \"next  Last\" ; type=text/html  ,"
        "\t<https://x.test/first>;Rel=First");
    REQUIRE(links.size() == 2);
    CHECK(links[0].url == "https://x.test/last");
    CHECK(links[0].rels == std::vector<std::string>{"next", "last"});
    CHECK(links[1].rels == std::vector<std::string>{"first"});
    CHECK(find_link({"<https://x.test/n>; rel=\"NEXT\""}, "next") == "https://x.test/n");
    CHECK(find_link({"<https://x.test/n>; rel=\"next\""}, "Next") == "https://x.test/n");
}

TEST_CASE("only the first rel parameter counts; rel-less and malformed links are skipped") {
    auto links = parse_link_header("<https://x.test/1>; rel=prev; rel=next");
    REQUIRE(links.size() == 1);
    CHECK(links[0].rels == std::vector<std::string>{"prev"});

    links = parse_link_header(
        "garbage, <https://x.test/norel>; title=x, , <https://x.test/ok>; rel=\"next\"");
    REQUIRE(links.size() == 2);
    CHECK(links[0].url == "https://x.test/norel");
    CHECK(links[0].rels.empty());
    CHECK(links[1].url == "https://x.test/ok");

    CHECK(parse_link_header("").empty());
    CHECK(parse_link_header("<https://x.test/unterminated; rel=next").empty());
    CHECK(parse_link_header("<>; rel=next").empty());
}

TEST_CASE("quoted-string escapes in params") {
    const auto links =
        parse_link_header(R"(<https://x.test/q>; title="say \"hi\", ok"; rel="next")");
    // The escaped quote must not end the title early and swallow the rel.
    REQUIRE(links.size() == 1);
    CHECK(links[0].rels == std::vector<std::string>{"next"});
}

TEST_CASE("find_link picks the first matching link across header values") {
    const std::vector<std::string_view> values = {
        "<https://x.test/self>; rel=self, <https://x.test/n1>; rel=\"next last\"",
        "<https://x.test/n2>; rel=next"};
    CHECK(find_link(values, "next") == "https://x.test/n1");
    CHECK(find_link(values, "last") == "https://x.test/n1");
    CHECK_FALSE(find_link(values, "nex"));  // whole rel tokens only
}
