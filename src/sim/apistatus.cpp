#include "sim/apistatus.h"

namespace Curtain::Sim {

using nlohmann::json;

json ApiStatus::toJson() const
{
    json status = {{"kind", "Status"},    {"apiVersion", "v1"}, {"metadata", json::object()},
                   {"status", "Failure"}, {"message", message}, {"reason", reason},
                   {"code", code}};
    if (!details.is_null()) {
        status["details"] = details;
    }
    return status;
}

ApiStatus conflict(const ResourceType &type, const std::string &name, const std::string &why)
{
    return {409,
            "Conflict",
            "Operation cannot be fulfilled on " + type.groupResource() + " \"" + name + "\": " + why,
            {{"name", name}, {"group", type.group}, {"kind", type.plural}}};
}

ApiStatus notFound(const ResourceType &type, const std::string &name)
{
    json details = {{"name", name}, {"kind", type.plural}};
    if (!type.group.empty()) {
        details["group"] = type.group;
    }
    return {404, "NotFound", type.groupResource() + " \"" + name + "\" not found", details};
}

ApiStatus badRequest(const std::string &message)
{
    return {400, "BadRequest", message};
}

ApiStatus noSuchPath()
{
    return {404, "NotFound", "the server could not find the requested resource", json::object()};
}

ApiStatus methodNotAllowed()
{
    return {405, "MethodNotAllowed", "the server does not allow this method on the requested resource", json::object()};
}

ApiStatus internalError(const std::string &what)
{
    return {500, "InternalError", "Internal error occurred: " + what, {{"causes", {{{"message", what}}}}}};
}

} // namespace Curtain::Sim
