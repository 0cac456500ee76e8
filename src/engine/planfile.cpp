#include "engine/planfile.h"

#include "kube/inputfile.h"
#include "kube/yamldocuments.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

namespace Curtain::Engine {

Core::Result<Core::Plan> parsePlanText(const QByteArray &text, const QString &origin)
{
    // Through the bounded YAML reader: a plan saved on a release is outside input too.
    const auto documents = Kube::parseYamlDocuments(text, origin, Kube::YamlScalars::Typed);
    if (!documents.ok()) {
        return documents.error();
    }
    const std::vector<Kube::Json> &all = documents.value();
    const Kube::Json *root = all.empty() ? nullptr : &all[0]; // the first document, as YAML::Load read it
    if (!root || !root->is_object()) {
        return Core::makeError(Core::ErrorKind::InvalidInput,
                               QStringLiteral("%1: a plan is a mapping with \"steps\" (and optionally \"judge\" and "
                                              "\"metrics\")")
                                   .arg(origin));
    }
    const QJsonObject object = QJsonDocument::fromJson(QByteArray::fromStdString(root->dump())).object();
    auto plan = Core::parsePlan(object);
    if (!plan.ok()) {
        Core::Error e = plan.error();
        e.message = origin + QStringLiteral(": ") + e.message;
        return e;
    }
    return plan;
}

namespace {

// 900 → "15m", 3600 → "1h", 90 → "90s": how the README and people write durations.
std::string duration(int seconds)
{
    if (seconds > 0 && seconds % 3600 == 0) {
        return std::to_string(seconds / 3600) + "h";
    }
    if (seconds > 0 && seconds % 60 == 0) {
        return std::to_string(seconds / 60) + "m";
    }
    return std::to_string(seconds) + "s";
}

} // namespace

QByteArray planYaml(const Core::Plan &plan)
{
    QJsonObject object = plan.toJson();
    QJsonArray steps = object.value(QStringLiteral("steps")).toArray();
    for (QJsonValueRef step : steps) {
        QJsonObject stepObject = step.toObject();
        for (const QString &kind : {QStringLiteral("pause"), QStringLiteral("analysis")}) {
            QJsonObject body = stepObject.value(kind).toObject();
            for (const QString &field : {QStringLiteral("duration"), QStringLiteral("timeout")}) {
                if (body.value(field).isDouble()) {
                    body.insert(field, QString::fromStdString(duration(body.value(field).toInt())));
                }
            }
            if (stepObject.contains(kind)) {
                stepObject.insert(kind, body);
            }
        }
        step = stepObject;
    }
    object.insert(QStringLiteral("steps"), steps);
    // In the order people read a plan: what it is, what it does, how it judges.
    return Kube::toYaml(object, {QStringLiteral("name"), QStringLiteral("steps"), QStringLiteral("judge")});
}

Core::Result<Core::Plan> loadPlanFile(const QString &path)
{
    const auto text = Kube::readConfigFile(path);
    if (!text.ok()) {
        return Core::makeError(Core::ErrorKind::InvalidInput,
                               QStringLiteral("the plan file %1 %2").arg(path, text.error().message));
    }
    return parsePlanText(text.value(), path);
}

} // namespace Curtain::Engine
