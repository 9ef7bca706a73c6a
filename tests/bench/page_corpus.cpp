#include "page_corpus.h"

#include <asset_sdk/http_client.h>
#include <asset_sdk/link_header.h>

#include <stdexcept>

namespace bench {

PageCorpus capture_pages(const std::string& base_url, const std::string& token,
                         const std::string& expand) {
    PageCorpus corpus;
    corpus.expand = expand;
    std::string url = base_url + "/api/v1/devices?limit=200";
    if (expand != "none") url += "&expand=" + expand;
    // The product's own HTTP client and Link parser: the pages are exactly what the plugin gets.
    // No Accept-Encoding: the reader parses decompressed JSON, which is what is measured.
    auto client = asset_sdk::make_curl_client({});
    while (!url.empty()) {
        asset_sdk::HttpRequest request;
        request.url = url;
        request.headers = {{"Authorization", "SSWS " + token}, {"Accept", "application/json"}};
        asset_sdk::HttpResult reply = client->perform(request);
        if (!reply.ok() || reply.response.status != 200) {
            throw std::runtime_error("capturing pages: GET " + url + " -> HTTP " +
                                     std::to_string(reply.response.status) + " " +
                                     reply.error_message);
        }
        corpus.json_bytes += reply.response.body.size();
        url = asset_sdk::find_link(reply.response.header_values("link"), "next").value_or("");
        corpus.pages.push_back(std::move(reply.response.body));
        if (corpus.pages.size() > 100'000) throw std::runtime_error("capturing pages: no end");
    }
    return corpus;
}

}  // namespace bench
