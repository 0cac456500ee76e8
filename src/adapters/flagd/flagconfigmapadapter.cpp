#include "adapters/flagd/flagconfigmapadapter.h"

#include "adapters/conventions.h"
#include "adapters/flagd/flagfile.h"
#include "adapters/flagd/flagsplit.h"
#include "adapters/weightedroute.h"
#include "kube/apinames.h"

#include <QStringList>

namespace Curtain::Adapters {

using Kube::Json;

namespace {

bool isFlagFileName(const std::string &key)
{
    const QString name = QString::fromStdString(key).toLower();
    return name.endsWith(QLatin1String(".json")) || name.endsWith(QLatin1String(".yaml")) ||
           name.endsWith(QLatin1String(".yml"));
}

// The data key holding the flag file: the one the annotation names, else the only flagd-looking
// file (.json, .yaml, .yml), else the only key.
Core::Result<std::string> flagFileKey(const Kube::Reader &route)
{
    const QString name = route.field("metadata").field("name").string();
    const Kube::Reader data = route.field("data");
    const std::string named =
        route.field("metadata").field("annotations").field(Conventions::flagFileAnnotation.toStdString()).stdString();
    if (!named.empty()) {
        if (!data.field(named).exists()) {
            return Core::makeError(Core::ErrorKind::Refused,
                                   QStringLiteral("ConfigMap %1 has no data key %2 (named by %3)")
                                       .arg(name, QString::fromStdString(named), Conventions::flagFileAnnotation));
        }
        return named;
    }
    std::vector<std::string> files;
    std::vector<std::string> keys;
    for (const auto &[key, value] : data.members()) {
        keys.push_back(key);
        if (isFlagFileName(key)) {
            files.push_back(key);
        }
    }
    if (files.size() == 1 || (files.empty() && keys.size() == 1)) {
        return files.empty() ? keys[0] : files[0];
    }
    return Core::makeError(Core::ErrorKind::Refused,
                           keys.empty() ? QStringLiteral("ConfigMap %1 has no data: no flagd file to read").arg(name)
                                        : QStringLiteral("ConfigMap %1 holds %2 files; name the flagd file's key in "
                                                         "the annotation %3")
                                              .arg(name)
                                              .arg(files.empty() ? keys.size() : files.size())
                                              .arg(Conventions::flagFileAnnotation));
}

// The flag file of a ConfigMap, parsed: the key, its text and format, and the document.
struct FlagFile
{
    std::string key;
    QByteArray text;
    Flagd::FileFormat format = Flagd::FileFormat::Json;
    QString origin; // "ConfigMap shop-flags, key flags.yaml"
    Json document;
};

Core::Result<FlagFile> flagFileOf(const Kube::Reader &route)
{
    const Core::Result<std::string> key = flagFileKey(route);
    if (!key.ok()) {
        return key.error();
    }
    FlagFile file;
    file.key = key.value();
    file.text = QByteArray::fromStdString(route.field("data").field(file.key).stdString());
    file.format = Flagd::fileFormatOf(QString::fromStdString(file.key), file.text);
    file.origin = QStringLiteral("ConfigMap %1, key %2")
                      .arg(route.field("metadata").field("name").string(), QString::fromStdString(file.key));
    Core::Result<Json> document = Flagd::parseFlagFile(file.text, file.format, file.origin);
    if (!document.ok()) {
        return document.error();
    }
    file.document = std::move(document.value());
    return file;
}

Flagd::FlagSet flagSetOf(const Kube::Reader &document, const Kube::Reader &route, const FlagFile &file)
{
    return {document.field("flags"), route.field("metadata").field("annotations"), file.origin, "/flags"};
}

} // namespace

std::vector<const Json *> FlagConfigMapAdapter::routes(const ClusterView &view) const
{
    return Weighted::labelledRoutes(view.configMaps);
}

QString FlagConfigMapAdapter::objectPath(const Json &route) const
{
    return QStringLiteral("/api/v1/namespaces/%1/configmaps/%2")
        .arg(Kube::pathSegment(Kube::objectNamespace(route)), Kube::pathSegment(Kube::objectName(route)));
}

void FlagConfigMapAdapter::doRead(const Kube::Reader &route, const ClusterView &view,
                                  Core::ReleaseSnapshot &snapshot) const
{
    const Core::Result<FlagFile> file = flagFileOf(route);
    if (!file.ok()) {
        snapshot.problem = file.error().message;
        return;
    }
    const Kube::Reader document(file.value().document);
    const Core::Result<Flagd::Split> located = Flagd::locateSplit(flagSetOf(document, route, file.value()));
    if (!located.ok()) {
        snapshot.problem = located.error().message;
        return;
    }
    const Flagd::Split &split = located.value();
    snapshot.routeDetail =
        QStringLiteral("flag %1 in %2: blue = %3, green = %4")
            .arg(split.flagKey, QString::fromStdString(file.value().key), QString::fromStdString(split.blueVariant),
                 QString::fromStdString(split.greenVariant));
    const auto weights = Flagd::readWeights(split);
    if (!document.ok()) {
        snapshot.problem = QStringLiteral("%1: %2").arg(file.value().origin, document.problem());
        return;
    }
    if (!weights.ok()) {
        snapshot.problem = weights.error().message;
        return;
    }
    Weighted::applyWeights(snapshot, route, weights.value().first, weights.value().second, split.what);
    Flagd::useVariantMetrics(snapshot, view, split);
}

Core::Result<RoutePatch> FlagConfigMapAdapter::doWrite(const Kube::Reader &route, const ClusterView &,
                                                       const Core::TargetState &target) const
{
    if (route.field("immutable").boolean()) {
        return Core::makeError(Core::ErrorKind::Refused,
                               QStringLiteral("ConfigMap %1 is immutable, so Kubernetes refuses any change to its "
                                              "data; roll the weights out as a new ConfigMap, or drop immutable")
                                   .arg(route.field("metadata").field("name").string()));
    }
    const Core::Result<FlagFile> file = flagFileOf(route);
    if (!file.ok()) {
        return file.error();
    }
    const Kube::Reader document(file.value().document);
    const Core::Result<Flagd::Split> located = Flagd::locateSplit(flagSetOf(document, route, file.value()));
    if (!located.ok()) {
        return located.error();
    }
    Json intended = file.value().document;
    Json *list = Flagd::valueAt(intended, located.value().pointer);
    if (!list) {
        return Core::makeError(Core::ErrorKind::Refused, QStringLiteral("%1: the split just read is not where it "
                                                                        "was found; nothing was sent")
                                                             .arg(file.value().origin));
    }
    *list = Flagd::targetList(located.value(), target);
    const Core::Result<QByteArray> edited = Flagd::editInPlace(file.value().text, file.value().format, intended,
                                                               located.value().pointer, file.value().origin);
    if (!edited.ok()) {
        return edited.error();
    }
    const Json &object = *route.json();
    Json operations = Json::array();
    operations.push_back({{"op", "test"},
                          {"path", "/metadata/resourceVersion"},
                          {"value", Kube::resourceVersion(object).toStdString()}});
    operations.push_back({{"op", "replace"},
                          {"path", "/data/" + Flagd::pointerToken(file.value().key)},
                          {"value", edited.value().toStdString()}});
    Weighted::appendRoleOperations(operations, object, target);
    return RoutePatch{objectPath(object), Kube::PatchType::Json, QByteArray::fromStdString(operations.dump())};
}

} // namespace Curtain::Adapters
