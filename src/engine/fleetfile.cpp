#include "engine/fleetfile.h"

#include "core/displaytext.h"
#include "kube/inputfile.h"
#include "kube/yamldocuments.h"

#include <QDir>
#include <QJsonDocument>
#include <QStandardPaths>

namespace Curtain::Engine {

Core::Result<QList<HAProxy::FleetConfig>> readFleetFile(const QString &path)
{
    const Core::Result<QByteArray> text = Kube::readConfigFile(path);
    if (!text.ok()) {
        Core::Error error = text.error();
        error.message = QStringLiteral("the fleet file %1 %2").arg(path, error.message);
        return error;
    }
    const auto documents = Kube::parseYamlDocuments(text.value(), path, Kube::YamlScalars::Text);
    if (!documents.ok()) {
        return documents.error();
    }
    const std::vector<Kube::Json> &all = documents.value();
    const Kube::Json *root = all.empty() ? nullptr : &all[0]; // the first document
    if (!root || !root->is_object()) {
        return Core::makeError(Core::ErrorKind::InvalidInput,
                               QStringLiteral("%1: a fleet file is a mapping with \"fleets\" (see README \"HAProxy "
                                              "fleets\")")
                                   .arg(path));
    }
    const QJsonDocument json = QJsonDocument::fromJson(QByteArray::fromStdString(root->dump()));
    return HAProxy::parseFleetConfig(QJsonValue(json.object()), path);
}

Core::Result<HAProxy::FleetConfig> chooseFleet(const QList<HAProxy::FleetConfig> &fleets, const QString &name,
                                               const QString &path)
{
    QStringList names;
    for (const HAProxy::FleetConfig &fleet : fleets) {
        if (fleet.name == name || (name.isEmpty() && fleets.size() == 1)) {
            return fleet;
        }
        names << fleet.name;
    }
    if (name.isEmpty()) {
        return Core::makeError(Core::ErrorKind::InvalidInput,
                               QStringLiteral("%1 has several fleets (%2): choose one with --fleet NAME")
                                   .arg(path, names.join(QStringLiteral(", "))));
    }
    return Core::makeError(Core::ErrorKind::NotFound,
                           QStringLiteral("%1 has no fleet \"%2\"; it has %3")
                               .arg(path, Core::shown(name, 80), names.join(QStringLiteral(", "))));
}

QString defaultFleetFile()
{
    return QDir(QStandardPaths::writableLocation(QStandardPaths::AppConfigLocation))
        .filePath(QStringLiteral("haproxy.yaml"));
}

} // namespace Curtain::Engine
