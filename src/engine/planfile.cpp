#include "engine/planfile.h"

#include "kube/inputfile.h"
#include "kube/yamldocuments.h"

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
