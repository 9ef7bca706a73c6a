#include "okta_sim_client.h"

#include <doctest/doctest.h>

#include <curl/curl.h>

#include <regex>

namespace oktasimtest {

std::string Reply::header(const std::string& name) const {
    const auto it = headers.find(name);
    return it == headers.end() ? "" : it->second;
}

std::vector<std::string> Reply::all(const std::string& name) const {
    std::vector<std::string> out;
    const auto range = headers.equal_range(name);
    for (auto it = range.first; it != range.second; ++it) out.push_back(it->second);
    return out;
}

std::optional<std::string> Reply::link(const std::string& rel) const {
    static const std::regex kLink(R"re(^<([^>]*)>; rel="([^"]+)"$)re");
    for (const auto& value : all("Link")) {
        std::smatch m;
        if (std::regex_match(value, m, kLink) && m[2] == rel) return m[1].str();
    }
    return std::nullopt;
}

namespace {

size_t on_body(char* data, size_t size, size_t count, void* user) {
    static_cast<std::string*>(user)->append(data, size * count);
    return size * count;
}

size_t on_header(char* data, size_t size, size_t count, void* user) {
    const std::string line(data, size * count);
    const size_t colon = line.find(':');
    if (colon != std::string::npos && line.rfind("HTTP/", 0) != 0) {
        size_t start = colon + 1;
        while (start < line.size() && line[start] == ' ') ++start;
        size_t end = line.size();
        while (end > start && (line[end - 1] == '\r' || line[end - 1] == '\n')) --end;
        static_cast<httplib::Headers*>(user)->emplace(line.substr(0, colon),
                                                      line.substr(start, end - start));
    }
    return size * count;
}

}  // namespace

Reply request(const std::string& method, const std::string& url,
              const std::vector<std::string>& header_lines, const std::string& body) {
    CURL* curl = curl_easy_init();
    REQUIRE(curl != nullptr);
    curl_slist* headers = nullptr;
    for (const std::string& line : header_lines) headers = curl_slist_append(headers, line.c_str());
    Reply r;
    curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
    curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, method.c_str());
    if (method != "GET") {
        curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body.c_str());
        curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE, static_cast<long>(body.size()));
    }
    curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
    curl_easy_setopt(curl, CURLOPT_NOPROXY, "*");
    curl_easy_setopt(curl, CURLOPT_TIMEOUT, 15L);
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(curl, CURLOPT_WRITEDATA, &r.body);
    curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(curl, CURLOPT_HEADERDATA, &r.headers);
    const CURLcode rc = curl_easy_perform(curl);
    if (rc == CURLE_OK) {
        long status = 0;
        curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
        r.transport_ok = true;
        r.status = static_cast<int>(status);
    } else {
        r.curl_code = static_cast<int>(rc);
    }
    curl_slist_free_all(headers);
    curl_easy_cleanup(curl);
    return r;
}

Reply get_url(const std::string& url, const std::string& token, const std::string& host_header) {
    std::vector<std::string> headers;
    if (!token.empty()) headers.push_back("Authorization: SSWS " + token);
    if (!host_header.empty()) headers.push_back("Host: " + host_header);
    return request("GET", url, headers);
}

Reply get(int port, const std::string& target, const std::string& token,
          const std::string& host_header) {
    return get_url("http://127.0.0.1:" + std::to_string(port) + target, token, host_header);
}

Walk walk_all(int port, const std::string& first_target) {
    Walk walk;
    std::optional<std::string> url = "http://127.0.0.1:" + std::to_string(port) + first_target;
    while (url) {
        REQUIRE(walk.pages < 1000);  // a loop would otherwise never end
        walk.urls.push_back(*url);
        const Reply r = get_url(*url);
        REQUIRE(r.transport_ok);
        REQUIRE_MESSAGE(r.status == 200, *url << " -> " << r.body);
        ++walk.pages;
        for (auto& d : r.json_body()) walk.devices.push_back(std::move(d));
        url = r.link("next");
    }
    return walk;
}

}  // namespace oktasimtest
