// Small helpers to report benchmark results: medians, the machine they ran on, and Markdown
// tables (printed as is into tests/bench/README.md).
#pragma once

#include <string>
#include <vector>

namespace bench {

double median(std::vector<double> values);

// "2 x AMD EPYC (nproc 2), Linux 6.1.0, build RelWithDebInfo"
std::string machine_description();

class Table {
public:
    explicit Table(std::vector<std::string> headers) : headers_(std::move(headers)) {}
    void add(std::vector<std::string> row) { rows_.push_back(std::move(row)); }
    std::string markdown() const;  // columns padded to their widest cell

private:
    std::vector<std::string> headers_;
    std::vector<std::vector<std::string>> rows_;
};

// printf-style formatting into a std::string.
std::string fmt(const char* format, ...) __attribute__((format(printf, 1, 2)));

}  // namespace bench
