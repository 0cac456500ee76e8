#include "sim/loadtestergates.h"

#include "sim/jsonbody.h"

#include <algorithm>
#include <cctype>
#include <optional>

namespace Curtain::Sim {

using nlohmann::json;

namespace {

// The canary a payload names, "<name>.<namespace>", or nullopt where Go's json.Unmarshal into
// CanaryWebhookPayload fails (the loadtester then answers 400): not JSON, not an object, or one of
// its string fields of another type. Go matches field names case-insensitively; null is a zero value.
std::optional<std::string> canaryOf(const std::string &body)
{
    const Outcome<json> parsed = parseBody(body);
    if (!std::holds_alternative<json>(parsed)) {
        return std::nullopt;
    }
    const json &payload = std::get<json>(parsed);
    if (payload.is_null()) {
        return std::string(".");
    }
    if (!payload.is_object()) {
        return std::nullopt;
    }
    std::string name;
    std::string ns;
    for (auto it = payload.begin(); it != payload.end(); ++it) {
        std::string key = it.key();
        std::transform(key.begin(), key.end(), key.begin(), [](unsigned char c) { return char(std::tolower(c)); });
        const json &value = it.value();
        if (key == "metadata") {
            if (!value.is_null() && !value.is_object()) {
                return std::nullopt;
            }
            for (const json &entry : value.is_object() ? value : json::object()) {
                if (!entry.is_string() && !entry.is_null()) {
                    return std::nullopt;
                }
            }
        } else if (key == "name" || key == "namespace" || key == "phase" || key == "checksum") {
            if (!value.is_string() && !value.is_null()) {
                return std::nullopt;
            }
            if (value.is_string() && key == "name") {
                name = value.get<std::string>();
            } else if (value.is_string() && key == "namespace") {
                ns = value.get<std::string>();
            }
        }
    }
    return name + "." + ns;
}

} // namespace

LoadtesterGates::Reply LoadtesterGates::serve(const std::string &instance, const std::string &path,
                                              const std::string &body)
{
    if (path == "/gate/approve" || path == "/healthz") {
        return {200, "OK"};
    }
    if (path == "/gate/halt") {
        return {403, "Forbidden"};
    }
    // Everything else reads the payload first; "/" and any other path is the task runner, which
    // runs nothing here: traffic in the demo cluster comes from the scenario.
    const std::optional<std::string> canary = canaryOf(body);
    if (!canary) {
        // The real loadtester answers an empty 400; the sim's API server would dress an empty error
        // up as a Kubernetes Status, which a pod never sends, so this one says why.
        return {400, "decoding the request body failed"};
    }
    const std::string key = (path.rfind("/rollback/", 0) == 0 ? "rollback." : "") + *canary;
    if (path == "/gate/open" || path == "/gate/close" || path == "/rollback/open" || path == "/rollback/close") {
        set(instance, key, path.ends_with("/open"));
        return {202, ""};
    }
    if (path == "/gate/check" || path == "/rollback/check") {
        return isOpen(instance, key) ? Reply{200, "Approved"} : Reply{403, "Forbidden"};
    }
    return {200, ""};
}

bool LoadtesterGates::isOpen(const std::string &instance, const std::string &key) const
{
    std::lock_guard lock(m_mutex);
    const auto it = m_open.find(instance);
    return it != m_open.end() && it->second.count(key) > 0;
}

void LoadtesterGates::set(const std::string &instance, const std::string &key, bool open)
{
    std::lock_guard lock(m_mutex);
    if (open) {
        m_open[instance].insert(key);
    } else if (const auto it = m_open.find(instance); it != m_open.end()) {
        it->second.erase(key);
    }
}

} // namespace Curtain::Sim
