#include "engine/planfile.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonObject>

#include <yaml-cpp/yaml.h>

namespace Curtain::Engine {

namespace {

// YAML scalars stay strings unless they read as numbers or booleans, as a JSON reader would see them.
QJsonValue toJson(const YAML::Node &node)
{
    switch (node.Type()) {
    case YAML::NodeType::Map: {
        QJsonObject object;
        for (const auto &entry : node) {
            object.insert(QString::fromStdString(entry.first.as<std::string>()), toJson(entry.second));
        }
        return object;
    }
    case YAML::NodeType::Sequence: {
        QJsonArray array;
        for (const auto &item : node) {
            array.append(toJson(item));
        }
        return array;
    }
    case YAML::NodeType::Scalar: {
        const std::string text = node.Scalar();
        if (node.Tag() != "!") { // quoted scalars are strings
            double number = 0;
            if (YAML::convert<double>::decode(node, number)) {
                return number;
            }
            bool flag = false;
            if (YAML::convert<bool>::decode(node, flag)) {
                return flag;
            }
        }
        return QString::fromStdString(text);
    }
    case YAML::NodeType::Null:
        return QJsonValue::Null;
    default:
        return {};
    }
}

} // namespace

Core::Result<Core::Plan> parsePlanText(const QByteArray &text, const QString &origin)
{
    try {
        const YAML::Node root = YAML::Load(text.toStdString());
        if (!root.IsMap()) {
            return Core::makeError(
                Core::ErrorKind::InvalidInput,
                QStringLiteral("%1: a plan is a mapping with \"steps\" (and optionally \"judge\" and "
                               "\"metrics\")")
                    .arg(origin));
        }
        auto plan = Core::parsePlan(toJson(root).toObject());
        if (!plan.ok()) {
            Core::Error e = plan.error();
            e.message = origin + QStringLiteral(": ") + e.message;
            return e;
        }
        return plan;
    } catch (const YAML::Exception &e) {
        return Core::makeError(
            Core::ErrorKind::InvalidInput,
            QStringLiteral("%1: not valid YAML or JSON: %2").arg(origin, QString::fromStdString(e.what())));
    }
}

Core::Result<Core::Plan> loadPlanFile(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        return Core::makeError(Core::ErrorKind::InvalidInput,
                               QStringLiteral("cannot read the plan file %1: %2").arg(path, file.errorString()));
    }
    return parsePlanText(file.readAll(), path);
}

} // namespace Curtain::Engine
