#include "engine/memoryplanobjects.h"

#include "core/futures.h"
#include "kube/json.h"

namespace Curtain::Engine {

using Core::Result;
using Kube::Json;

namespace {

QFuture<Result<Json>> ready(Result<Json> value)
{
    return Core::readyFuture(std::move(value));
}

// The runner writes these bodies itself; one that is not an object is refused like a 400.
std::optional<Json> objectIn(const QByteArray &body)
{
    Json parsed = Json::parse(body.constData(), body.constData() + body.size(), nullptr, false);
    return parsed.is_object() ? std::optional(std::move(parsed)) : std::nullopt;
}

} // namespace

QFuture<Result<Json>> MemoryPlanObjects::get(const QString &path)
{
    const auto found = m_objects.find(path);
    if (found == m_objects.end()) {
        return ready(Core::makeError(Core::ErrorKind::NotFound, path + QStringLiteral(" not found"), 404));
    }
    return ready(found->second);
}

QFuture<Result<Json>> MemoryPlanObjects::create(const QString &collectionPath, const QByteArray &body)
{
    std::optional<Json> object = objectIn(body);
    if (!object) {
        return ready(
            Core::makeError(Core::ErrorKind::InvalidInput, QStringLiteral("the body is not a JSON object"), 400));
    }
    const QString path = collectionPath + QLatin1Char('/') + Kube::stringAt(*object, "/metadata/name");
    if (m_objects.count(path)) {
        return ready(Core::makeError(Core::ErrorKind::Conflict, path + QStringLiteral(" already exists"), 409));
    }
    ++writes;
    put(path, std::move(*object));
    return ready(m_objects[path]);
}

QFuture<Result<Json>> MemoryPlanObjects::mergePatch(const QString &path, const QByteArray &body)
{
    const auto found = m_objects.find(path);
    if (found == m_objects.end()) {
        return ready(Core::makeError(Core::ErrorKind::NotFound, path + QStringLiteral(" not found"), 404));
    }
    const std::optional<Json> patch = objectIn(body);
    if (!patch) {
        return ready(
            Core::makeError(Core::ErrorKind::InvalidInput, QStringLiteral("the patch is not a JSON object"), 400));
    }
    const QString expected = Kube::stringAt(*patch, "/metadata/resourceVersion");
    if (!expected.isEmpty() && expected != Kube::stringAt(found->second, "/metadata/resourceVersion")) {
        return ready(Core::makeError(Core::ErrorKind::Conflict,
                                     QStringLiteral("the object has been modified; please apply your changes to the "
                                                    "latest version and try again"),
                                     409));
    }
    ++writes;
    found->second.merge_patch(*patch);
    found->second["metadata"]["resourceVersion"] = std::to_string(++m_version);
    return ready(found->second);
}

void MemoryPlanObjects::put(const QString &path, Json object)
{
    object["metadata"]["resourceVersion"] = std::to_string(++m_version);
    m_objects[path] = std::move(object);
}

void MemoryPlanObjects::restore(State state)
{
    m_objects = std::move(state.objects);
    m_version = state.version;
}

Json MemoryPlanObjects::object(const QString &path) const
{
    const auto found = m_objects.find(path);
    return found == m_objects.end() ? Json() : found->second;
}

} // namespace Curtain::Engine
