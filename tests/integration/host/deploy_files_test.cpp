// The container image (Dockerfile) and the Kubernetes manifests (deploy/kubernetes) agree with
// what the asset-host binary does (issue 13): every manifest is parsed (yaml-cpp) and checked
// against the binary's own facts — the directories an install under /usr defaults to
// (default_dirs), the shutdown grace (RunArgs), the endpoints and variables the real binary
// serves and reads when started with the pod's and the image's environment.
#include "dockerfile.h"
#include "eventually.h"
#include "host_fixture.h"
#include "scrape.h"

#include "cli/default_dirs.h"
#include "cli/options.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <csignal>
#include <fstream>
#include <optional>
#include <regex>
#include <set>
#include <sstream>

using namespace hosttest;
using namespace std::chrono_literals;
using testsupport::eventually;
using testsupport::http_get;

namespace {

const fs::path kSource = ASSET_HOST_SOURCE_DIR;
const fs::path kKubernetes = kSource / "deploy" / "kubernetes";

std::string read_text(const fs::path& file) {
    std::ifstream in(file);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
}

struct KubeObject {
    std::string file;  // e.g. "statefulset.yaml"
    YAML::Node node;
};

// Every document of every *.yaml file in deploy/kubernetes (README.md is not a manifest).
std::vector<KubeObject> kube_objects() {
    std::vector<fs::path> files;
    for (const auto& entry : fs::directory_iterator(kKubernetes)) {
        if (entry.path().extension() == ".yaml") files.push_back(entry.path());
    }
    std::sort(files.begin(), files.end());
    std::vector<KubeObject> objects;
    for (const auto& file : files) {
        for (const auto& doc : YAML::LoadAllFromFile(file.string())) {
            if (!doc.IsNull()) objects.push_back({file.filename().string(), doc});
        }
    }
    return objects;
}

// The one object of `kind` (doctest fails the test when there is not exactly one).
YAML::Node only(const std::string& kind) {
    std::vector<YAML::Node> found;
    for (const auto& o : kube_objects()) {
        if (o.node["kind"].as<std::string>("") == kind) found.push_back(o.node);
    }
    REQUIRE_MESSAGE(found.size() == 1, "expected one " << kind << ", found " << found.size());
    return found.front();
}

std::string str(const YAML::Node& node) {
    return node && node.IsScalar() ? node.as<std::string>() : std::string();
}

YAML::Node pod_spec() {
    return only("StatefulSet")["spec"]["template"]["spec"];
}

// The asset-host container (the pod has exactly one).
YAML::Node container() {
    const YAML::Node containers = pod_spec()["containers"];
    REQUIRE(containers.IsSequence());
    REQUIRE(containers.size() == 1);
    return containers[0];
}

std::optional<YAML::Node> mount_named(const std::string& volume) {
    for (const auto& m : container()["volumeMounts"]) {
        if (str(m["name"]) == volume) return m;
    }
    return std::nullopt;
}

std::optional<YAML::Node> volume_named(const std::string& volume) {
    for (const auto& v : pod_spec()["volumes"]) {
        if (str(v["name"]) == volume) return v;
    }
    return std::nullopt;
}

// Kubernetes' $(VAR) expansion in env values and args: variables defined earlier in `env`.
std::string expand(std::string text, const std::map<std::string, std::string>& env) {
    for (const auto& [name, value] : env) {
        const std::string ref = "$(" + name + ")";
        for (auto at = text.find(ref); at != std::string::npos; at = text.find(ref, at)) {
            text.replace(at, ref.size(), value);
            at += value.size();
        }
    }
    return text;
}

// The container's environment as the kubelet gives it to the pod called `pod_name`.
std::map<std::string, std::string> pod_env(const std::string& pod_name) {
    std::map<std::string, std::string> env;
    for (const auto& e : container()["env"]) {
        const std::string name = str(e["name"]);
        if (e["value"]) {
            env[name] = expand(str(e["value"]), env);
        } else {
            const std::string field = str(e["valueFrom"]["fieldRef"]["fieldPath"]);
            REQUIRE_MESSAGE(field == "metadata.name", "env " << name << ": unsupported source");
            env[name] = pod_name;
        }
    }
    return env;
}

// The container's arguments for `pod_name`, expanded as the kubelet does.
std::vector<std::string> pod_args(const std::string& pod_name) {
    const auto env = pod_env(pod_name);
    std::vector<std::string> args;
    for (const auto& a : container()["args"]) args.push_back(expand(str(a), env));
    return args;
}

// The value of option `flag` in `args` ("--flag V" or "--flag=V"), else of `variable` in `env`.
std::string option_or_env(const std::vector<std::string>& args,
                          const std::map<std::string, std::string>& env, const std::string& flag,
                          const std::string& variable) {
    for (std::size_t i = 0; i < args.size(); ++i) {
        if (args[i] == flag && i + 1 < args.size()) return args[i + 1];
        if (args[i].rfind(flag + "=", 0) == 0) return args[i].substr(flag.size() + 1);
    }
    const auto it = env.find(variable);
    return it == env.end() ? std::string() : it->second;
}

// The port of a --listen address ("0.0.0.0:9464", "[::]:9464"); 0 when there is none.
int port_of(const std::string& address) {
    const auto colon = address.rfind(':');
    if (colon == std::string::npos) return 0;
    return std::atoi(address.c_str() + colon + 1);
}

// A probe's or a service's port: a number, or the name of one of the container's ports.
int container_port(const YAML::Node& port) {
    const std::string text = str(port);
    if (!text.empty() && std::all_of(text.begin(), text.end(), ::isdigit)) {
        return std::stoi(text);
    }
    for (const auto& p : container()["ports"]) {
        if (str(p["name"]) == text) return p["containerPort"].as<int>();
    }
    return 0;
}

std::string statefulset_name() {
    return str(only("StatefulSet")["metadata"]["name"]);
}

int replicas() {
    return only("StatefulSet")["spec"]["replicas"].as<int>();
}

// The port the pod's asset-host listens on (its --listen or ASSET_HOST_LISTEN).
int pod_listen_port() {
    const std::string pod = statefulset_name() + "-0";
    return port_of(option_or_env(pod_args(pod), pod_env(pod), "--listen", "ASSET_HOST_LISTEN"));
}

// Where the image's asset-host (its ENTRYPOINT, from the package installed under /usr) keeps
// manifests and state by default: the binary's own rule. The package installs the plugins
// directory, so every directory the rule asks about exists.
asset_host::DefaultDirs image_default_dirs() {
    const Dockerfile dockerfile(kSource / "Dockerfile");
    const auto entrypoint = dockerfile.exec_form("ENTRYPOINT");
    REQUIRE_FALSE(entrypoint.empty());
    return asset_host::default_dirs(fs::path(entrypoint[0]).parent_path(),
                                    "../lib/asset-host/plugins",
                                    [](const fs::path&) { return true; });
}

// Every ${...} reference in `text`, without the braces ("file:/run/secrets/x").
std::vector<std::string> references(const std::string& text) {
    std::vector<std::string> found;
    static const std::regex reference(R"(\$\{([^}]*)\})");
    for (std::sregex_iterator it(text.begin(), text.end(), reference), end; it != end; ++it) {
        found.push_back((*it)[1]);
    }
    return found;
}

// Starts the real binary with `env` and `args` (its listen address moved to a free loopback
// port: the tests contact nothing else and must not collide) and checks that each of `paths`
// answers 200 there. Returns the first line it logged.
std::string serve_and_probe(std::map<std::string, std::string> env,
                            const std::vector<std::string>& args,
                            const std::vector<std::string>& paths) {
    Host host;
    host.manifest("a.yaml", example_manifest("a") + "schedule: { every: 1h }\n");
    REQUIRE(env.count("ASSET_HOST_LISTEN") == 1);  // the deploy files listen through the env
    env["ASSET_HOST_LISTEN"] = "127.0.0.1:0";
    for (const auto& [name, value] : env) host.set_env(name, value);
    auto p = host.start(args);
    const std::string address = testsupport::wait_listening(*p);
    REQUIRE_MESSAGE(!address.empty(), "no 'listening on' line");
    for (const auto& path : paths) {
        CHECK_MESSAGE(eventually([&] { return http_get(address, path).status == 200; }, 20s),
                      path << " did not answer 200");
    }
    p->signal(SIGTERM);
    const auto r = p->wait(30s);
    CHECK_MESSAGE(r.exited_with(0), r.err);
    return r.err.substr(0, r.err.find('\n'));
}

}  // namespace

TEST_CASE("deploy/kubernetes: every manifest parses and kustomization.yaml applies each one") {
    const auto objects = kube_objects();
    std::set<std::string> files;
    for (const auto& o : objects) {
        CHECK_MESSAGE(!str(o.node["apiVersion"]).empty(), o.file << ": no apiVersion");
        CHECK_MESSAGE(!str(o.node["kind"]).empty(), o.file << ": no kind");
        files.insert(o.file);
    }
    const YAML::Node kustomization = only("Kustomization");
    std::set<std::string> resources;
    for (const auto& r : kustomization["resources"]) resources.insert(str(r));
    files.erase("kustomization.yaml");
    CHECK(resources == files);
    CHECK(str(only("Namespace")["metadata"]["name"]) == str(kustomization["namespace"]));
}

TEST_CASE("deploy/kubernetes: pod I of the StatefulSet runs shard I/N, N = replicas") {
    const int n = replicas();
    REQUIRE(n >= 2);
    constexpr int kConnectors = 12;
    std::multiset<std::string> ran_anywhere;
    for (int i = 0; i < n; ++i) {
        const std::string pod = statefulset_name() + "-" + std::to_string(i);  // the pod's name
        const auto env = pod_env(pod);
        auto args = pod_args(pod);
        const std::string shard = option_or_env(args, env, "--shard", "ASSET_HOST_SHARD");
        CAPTURE(shard);
        // The real binary reads it (as the pod would) and says which shard it runs.
        Host host;  // each pod its own state volume
        for (int c = 0; c < kConnectors; ++c) {
            host.manifest("c" + std::to_string(c) + ".yaml",
                          example_manifest("c" + std::to_string(c), "  records: 1\n"));
        }
        for (const auto& [name, value] : env) {
            if (name != "ASSET_HOST_LISTEN") host.set_env(name, value);  // --once: no endpoint
        }
        args.push_back("--once");
        const auto r = host.run(args);
        REQUIRE_MESSAGE(r.exited_with(0), r.err);
        CHECK_MESSAGE(contains(r.err, "shard " + std::to_string(i) + "/" + std::to_string(n) + ":"),
                      r.err);
        for (int c = 0; c < kConnectors; ++c) {
            if (host.state_text("c" + std::to_string(c))) {
                ran_anywhere.insert("c" + std::to_string(c));
            }
        }
    }
    // Together the pods ran every connector exactly once.
    CHECK(ran_anywhere.size() == kConnectors);
    CHECK(std::set<std::string>(ran_anywhere.begin(), ran_anywhere.end()).size() == kConnectors);
}

TEST_CASE("deploy/kubernetes: manifests from the ConfigMap, where the installed binary looks") {
    const YAML::Node configmap = only("ConfigMap");
    const auto mount = mount_named("manifests");
    const auto volume = volume_named("manifests");
    REQUIRE(mount);
    REQUIRE(volume);
    CHECK(str((*mount)["mountPath"]) == image_default_dirs().manifests.string());
    CHECK((*mount)["readOnly"].as<bool>(false));
    REQUIRE((*volume)["configMap"]);
    CHECK(str((*volume)["configMap"]["name"]) == str(configmap["metadata"]["name"]));
    REQUIRE(configmap["data"].IsMap());
    for (const auto& entry : configmap["data"]) {
        CHECK_MESSAGE(fs::path(str(entry.first)).extension() == ".yaml",
                      str(entry.first) << ": the binary reads only *.yaml manifests");
    }
}

TEST_CASE("deploy/kubernetes: secrets are files of a Secret, never environment variables") {
    for (const auto& c : pod_spec()["containers"]) {
        CHECK_FALSE(c["envFrom"]);
        for (const auto& e : c["env"]) {
            const bool from_secret = e["valueFrom"] && e["valueFrom"]["secretKeyRef"];
            CHECK_MESSAGE(!from_secret, str(e["name"]) << " from a Secret");
        }
    }
    const auto secret_volume = volume_named("secrets");
    REQUIRE(secret_volume);
    REQUIRE((*secret_volume)["secret"]);
    const std::string secret_name = str((*secret_volume)["secret"]["secretName"]);
    const auto mount = mount_named("secrets");
    REQUIRE(mount);
    CHECK((*mount)["readOnly"].as<bool>(false));
    const std::string secrets_dir = str((*mount)["mountPath"]);
    REQUIRE_FALSE(secrets_dir.empty());

    // The README's `kubectl create secret` makes that Secret, with a key for every file the
    // ConfigMap's manifests reference, and the manifests reference secrets only as such files.
    const std::string readme = read_text(kKubernetes / "README.md");
    CHECK(contains(readme, "create secret generic " + secret_name + " "));
    std::set<std::string> keys;
    static const std::regex from_file(R"(--from-file=([A-Za-z0-9._-]+)=)");
    for (std::sregex_iterator it(readme.begin(), readme.end(), from_file), end; it != end; ++it) {
        keys.insert((*it)[1]);
    }
    testsupport::HostSandbox okta({"okta_device"});  // the real binary validates the manifests
    int referenced = 0;
    for (const auto& entry : only("ConfigMap")["data"]) {
        std::string manifest = str(entry.second);
        for (const auto& ref : references(manifest)) {
            CAPTURE(ref);
            REQUIRE(ref.rfind("file:" + secrets_dir + "/", 0) == 0);
            const std::string key = ref.substr(("file:" + secrets_dir + "/").size());
            CHECK(keys.count(key) == 1);
            okta.write("secrets/" + key, "deploy-test-SECRET-" + key);
            ++referenced;
        }
        // The pod's /run/secrets is the sandbox's secrets/ here.
        for (auto at = manifest.find(secrets_dir + "/"); at != std::string::npos;
             at = manifest.find(secrets_dir + "/", at)) {
            const std::string here = (okta.root() / "secrets").string() + "/";
            manifest.replace(at, secrets_dir.size() + 1, here);
            at += here.size();
        }
        okta.manifest(str(entry.first), manifest);
    }
    CHECK(referenced >= 2);  // the Okta token and the Sekoia key
    const auto r = okta.run({"validate"});
    CHECK_MESSAGE(r.exited_with(0), r.out << r.err);
    CHECK_FALSE(contains(r.out + r.err, "deploy-test-SECRET"));
}

TEST_CASE("deploy/kubernetes: each pod keeps its state on its own claim, at the state directory") {
    const YAML::Node sts = only("StatefulSet");
    REQUIRE(sts["spec"]["volumeClaimTemplates"].IsSequence());
    REQUIRE(sts["spec"]["volumeClaimTemplates"].size() == 1);
    const YAML::Node claim = sts["spec"]["volumeClaimTemplates"][0];
    const std::string name = str(claim["metadata"]["name"]);
    const auto mount = mount_named(name);
    REQUIRE(mount);
    CHECK(str((*mount)["mountPath"]) == image_default_dirs().state.string());
    CHECK_FALSE((*mount)["readOnly"].as<bool>(false));
    CHECK_FALSE(
        volume_named(name).has_value());  // a pod volume of that name would shadow the claim
    CHECK(str(claim["spec"]["accessModes"][0]) == "ReadWriteOnce");
    CHECK_FALSE(str(claim["spec"]["resources"]["requests"]["storage"]).empty());
}

TEST_CASE("deploy/kubernetes: probes, scrape annotations and service on the daemon's port") {
    const int port = pod_listen_port();
    REQUIRE(port > 0);
    const YAML::Node c = container();
    const YAML::Node liveness = c["livenessProbe"]["httpGet"];
    const YAML::Node readiness = c["readinessProbe"]["httpGet"];
    CHECK(str(liveness["path"]) == "/healthz");
    CHECK(str(readiness["path"]) == "/readyz");
    CHECK(container_port(liveness["port"]) == port);
    CHECK(container_port(readiness["port"]) == port);

    const YAML::Node annotations =
        only("StatefulSet")["spec"]["template"]["metadata"]["annotations"];
    CHECK(str(annotations["prometheus.io/scrape"]) == "true");
    CHECK(str(annotations["prometheus.io/port"]) == std::to_string(port));
    const std::string metrics_path = str(annotations["prometheus.io/path"]);
    CHECK(metrics_path == "/metrics");

    const YAML::Node service = only("Service");
    CHECK(str(only("StatefulSet")["spec"]["serviceName"]) == str(service["metadata"]["name"]));
    for (const auto& [key, value] :
         service["spec"]["selector"].as<std::map<std::string, std::string>>()) {
        CHECK(str(only("StatefulSet")["spec"]["template"]["metadata"]["labels"][key]) == value);
    }
    REQUIRE(service["spec"]["ports"].size() == 1);
    CHECK(container_port(service["spec"]["ports"][0]["targetPort"]) == port);

    // The pod's own environment and arguments: the real binary serves those paths there.
    const std::string pod = statefulset_name() + "-0";
    const std::string first_line = serve_and_probe(
        pod_env(pod), pod_args(pod), {str(liveness["path"]), str(readiness["path"]), metrics_path});
    if (pod_env(pod)["ASSET_HOST_LOG_FORMAT"] == "json") {
        CHECK_MESSAGE(nlohmann::json::accept(first_line), first_line);
    }
}

TEST_CASE("deploy/kubernetes: resource requests, and time for the daemon's shutdown grace") {
    const YAML::Node requests = container()["resources"]["requests"];
    CHECK_FALSE(str(requests["cpu"]).empty());
    CHECK_FALSE(str(requests["memory"]).empty());
    // SIGTERM, then in-flight batches get --grace-period, then workers are killed: the pod
    // must not be killed before (issue 11: exit within grace + a few seconds).
    const auto grace =
        std::chrono::duration_cast<std::chrono::seconds>(asset_host::RunArgs{}.grace_period);
    CHECK(pod_spec()["terminationGracePeriodSeconds"].as<long>() >= grace.count() + 10);
    CHECK_FALSE(container()["command"]);  // the image's ENTRYPOINT runs
}

TEST_CASE("Dockerfile: user, port, health check and volumes are what the binary and pod use") {
    const Dockerfile dockerfile(kSource / "Dockerfile");
    const auto dirs = image_default_dirs();
    CHECK(dirs.manifests == "/etc/asset-host/manifests");  // the package installs under /usr
    CHECK(dirs.state == "/var/lib/asset-host");

    // USER uid:gid: the account the image creates, the pod's securityContext.
    const std::string user = dockerfile.last("USER").value_or("");
    std::smatch ids;
    REQUIRE(std::regex_match(user, ids, std::regex(R"((\d+):(\d+))")));
    const std::string uid = ids[1], gid = ids[2];
    std::string runs;
    for (const auto& r : dockerfile.all("RUN")) runs += r + "\n";
    // One command each (no `&&` in between): the ids belong to the account called asset-host.
    CHECK(std::regex_search(runs, std::regex("groupadd [^&]*--gid " + gid + " asset-host")));
    CHECK(std::regex_search(
        runs, std::regex("useradd [^&]*--uid " + uid + " --gid " + gid + " [^&]*asset-host")));
    const YAML::Node security = pod_spec()["securityContext"];
    CHECK(str(security["runAsUser"]) == uid);
    CHECK(str(security["runAsGroup"]) == gid);
    CHECK(str(security["fsGroup"]) == gid);

    // The directories the binary defaults to exist, state is a volume.
    CHECK(
        contains(runs, "install -d -o " + uid + " -g " + gid + " -m 0700 " + dirs.state.string()));
    CHECK(contains(runs, dirs.manifests.string()));
    CHECK(contains(dockerfile.last("VOLUME").value_or(""), "\"" + dirs.state.string() + "\""));

    // One port everywhere: the daemon's listen address, EXPOSE, the health check, the pod.
    const auto env = dockerfile.env();
    const std::string listen = env.count("ASSET_HOST_LISTEN") ? env.at("ASSET_HOST_LISTEN") : "";
    const int port = port_of(listen);
    REQUIRE(port > 0);
    CHECK(dockerfile.last("EXPOSE").value_or("") == std::to_string(port));
    CHECK(port == pod_listen_port());
    const std::string healthcheck = dockerfile.last("HEALTHCHECK").value_or("");
    CHECK(contains(healthcheck, "http://127.0.0.1:" + std::to_string(port) + "/healthz"));
    if (contains(healthcheck, "curl ")) {
        CHECK(std::regex_search(runs, std::regex("apt-get install [^&]* curl ")));
    }

    // The image's environment and CMD: the real binary serves the health check's path.
    const auto cmd = dockerfile.exec_form("CMD");
    REQUIRE_FALSE(cmd.empty());
    const std::string first_line = serve_and_probe(env, cmd, {"/healthz"});
    if (env.count("ASSET_HOST_LOG_FORMAT") && env.at("ASSET_HOST_LOG_FORMAT") == "json") {
        CHECK_MESSAGE(nlohmann::json::accept(first_line), first_line);
    }
}
