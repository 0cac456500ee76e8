#include "sim/httpsupport.h"

#include "sim/patching.h"

#include <sstream>

namespace Curtain::Sim::Http {

using nlohmann::json;

std::string jsonText(const json &value)
{
    return value.dump(-1, ' ', false, json::error_handler_t::replace);
}

void sendJson(httplib::Response &res, int status, const json &body)
{
    res.status = status;
    res.set_header("Cache-Control", "no-cache, private");
    res.set_content(jsonText(body), "application/json");
}

void sendStatus(httplib::Response &res, const ApiStatus &status)
{
    sendJson(res, status.code, status.toJson());
}

bool truthy(const std::string &value)
{
    return !value.empty() && value != "0" && value != "false" && value != "False" && value != "FALSE";
}

std::string param(const httplib::Request &req, const char *name)
{
    return req.has_param(name) ? req.get_param_value(name) : std::string();
}

std::optional<std::function<bool(const json &)>> filterFor(const httplib::Request &req, ApiStatus *error)
{
    std::optional<LabelSelector> labels;
    if (const std::string text = param(req, "labelSelector"); !text.empty()) {
        std::string why;
        labels = LabelSelector::parse(text, &why);
        if (!labels) {
            *error = {400, "BadRequest", "unable to parse requirement: " + why};
            return std::nullopt;
        }
    }
    std::vector<std::pair<std::string, std::string>> fields;
    if (const std::string text = param(req, "fieldSelector"); !text.empty()) {
        std::stringstream stream(text);
        std::string term;
        while (std::getline(stream, term, ',')) {
            const auto eq = term.find('=');
            std::string key = term.substr(0, eq);
            if (eq == std::string::npos || (key != "metadata.name" && key != "metadata.namespace")) {
                *error = {400, "BadRequest", "field label not supported: " + key};
                return std::nullopt;
            }
            std::string value = term.substr(term[eq + 1] == '=' ? eq + 2 : eq + 1);
            fields.emplace_back(key.substr(9), value);
        }
    }
    return [labels, fields](const json &object) {
        for (const auto &[field, value] : fields) {
            if (object["metadata"].value(field, "") != value) {
                return false;
            }
        }
        return !labels || labels->matches(object["metadata"].value("labels", json::object()));
    };
}

std::string eventLine(const std::string &type, const json &object)
{
    return jsonText(json{{"type", type}, {"object", object}}) + "\n";
}

} // namespace Curtain::Sim::Http
