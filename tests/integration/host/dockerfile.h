// A Dockerfile read as its builder reads it, for tests that compare the image with the binary:
// comments dropped, continuation lines joined, each instruction split into its keyword and
// arguments; the exec form (["a", "b"]) parsed as JSON.
#pragma once

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace hosttest {

struct DockerInstruction {
    std::string keyword;    // upper case: FROM, RUN, ENV, USER, ...
    std::string arguments;  // the rest, continuation lines joined with single spaces
};

class Dockerfile {
public:
    explicit Dockerfile(const std::filesystem::path& file);

    // Every instruction of `keyword`, in order (all stages).
    std::vector<std::string> all(const std::string& keyword) const;
    // The last instruction of `keyword` (the one the final image keeps), or nullopt.
    std::optional<std::string> last(const std::string& keyword) const;
    // The variables ENV sets (`ENV A=1 B=2` or `ENV A 1`), the last value of each.
    std::map<std::string, std::string> env() const;
    // The exec form of the last `keyword` (ENTRYPOINT, CMD, VOLUME); empty if absent or not
    // in exec form.
    std::vector<std::string> exec_form(const std::string& keyword) const;

private:
    std::vector<DockerInstruction> instructions_;
};

}  // namespace hosttest
