#include "kube/json.h"

namespace Curtain::Kube {

namespace {

const Json *at(const Json &object, const char *pointer)
{
    try {
        const Json::json_pointer ptr(pointer);
        if (!object.contains(ptr)) {
            return nullptr;
        }
        return &object.at(ptr);
    } catch (const Json::exception &) {
        return nullptr;
    }
}

QString mapValue(const Json &object, const char *mapPointer, const QString &key)
{
    const Json *map = at(object, mapPointer);
    if (!map || !map->is_object()) {
        return {};
    }
    const auto it = map->find(key.toStdString());
    if (it == map->end() || !it->is_string()) {
        return {};
    }
    return toQString(it->get<std::string>());
}

} // namespace

QString stringAt(const Json &object, const char *pointer, const QString &fallback)
{
    const Json *value = at(object, pointer);
    return value && value->is_string() ? toQString(value->get<std::string>()) : fallback;
}

long long intAt(const Json &object, const char *pointer, long long fallback)
{
    const Json *value = at(object, pointer);
    return value && value->is_number_integer() ? value->get<long long>() : fallback;
}

QString label(const Json &object, const QString &key)
{
    return mapValue(object, "/metadata/labels", key);
}

QString annotation(const Json &object, const QString &key)
{
    return mapValue(object, "/metadata/annotations", key);
}

QString objectName(const Json &object)
{
    return stringAt(object, "/metadata/name");
}

QString objectNamespace(const Json &object)
{
    return stringAt(object, "/metadata/namespace");
}

QString resourceVersion(const Json &object)
{
    return stringAt(object, "/metadata/resourceVersion");
}

} // namespace Curtain::Kube
