#include "kube/yamldocuments.h"

#include <yaml-cpp/yaml.h>

namespace Curtain::Kube {

namespace {

Json toJson(const YAML::Node &node)
{
    switch (node.Type()) {
    case YAML::NodeType::Map: {
        Json object = Json::object();
        for (const auto &entry : node) {
            object[entry.first.as<std::string>()] = toJson(entry.second);
        }
        return object;
    }
    case YAML::NodeType::Sequence: {
        Json array = Json::array();
        for (const auto &item : node) {
            array.push_back(toJson(item));
        }
        return array;
    }
    case YAML::NodeType::Scalar: {
        const std::string text = node.Scalar();
        if (node.Tag() != "!") { // unquoted: numbers and booleans as YAML reads them
            long long integer = 0;
            if (YAML::convert<long long>::decode(node, integer)) {
                return integer;
            }
            double number = 0;
            if (text.find_first_of("0123456789") != std::string::npos && YAML::convert<double>::decode(node, number)) {
                return number;
            }
            if (text == "true" || text == "false") {
                return text == "true";
            }
        }
        return text;
    }
    default:
        return nullptr;
    }
}

} // namespace

Core::Result<std::vector<Json>> parseObjects(const QByteArray &text, const QString &origin)
{
    std::vector<Json> objects;
    try {
        for (const YAML::Node &document : YAML::LoadAll(text.toStdString())) {
            if (document.IsNull()) {
                continue;
            }
            Json object = toJson(document);
            const std::string kind = object.is_object() ? object.value("kind", "") : "";
            if (kind.size() > 4 && kind.compare(kind.size() - 4, 4, "List") == 0) {
                for (const Json &item : object.value("items", Json::array())) {
                    objects.push_back(item);
                }
            } else if (object.is_object()) {
                objects.push_back(std::move(object));
            }
        }
    } catch (const YAML::Exception &e) {
        return Core::makeError(
            Core::ErrorKind::InvalidInput,
            QStringLiteral("%1: not valid YAML or JSON: %2").arg(origin, QString::fromStdString(e.what())));
    }
    return objects;
}

} // namespace Curtain::Kube
