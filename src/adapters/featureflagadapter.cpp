#include "adapters/featureflagadapter.h"

#include "adapters/conventions.h"
#include "adapters/environmentreader.h"
#include "adapters/weightedroute.h"
#include "kube/apinames.h"

#include <QStringList>

#include <optional>

namespace Curtain::Adapters {

using Core::Color;
using Kube::Json;

namespace {

// RFC 6901: "~" → "~0", "/" → "~1".
std::string pointerToken(const std::string &key)
{
    std::string escaped;
    for (char c : key) {
        escaped += c == '~' ? std::string("~0") : c == '/' ? std::string("~1") : std::string(1, c);
    }
    return escaped;
}

// Every `fractional` operation under `node`, with its JSON pointer. read() has refused objects that
// nest deeper than RouteAdapter allows before any of this runs, so the recursion is bounded.
void findFractional(const Kube::Reader &node, const std::string &pointer,
                    std::vector<std::pair<std::string, Kube::Reader>> &found)
{
    if (node.isObject()) {
        for (const auto &[key, value] : node.members()) {
            const std::string child = pointer + "/" + pointerToken(key);
            if (key == "fractional") {
                found.emplace_back(child, value);
            }
            findFractional(value, child, found);
        }
    } else if (node.isArray()) {
        const std::vector<Kube::Reader> items = node.items();
        for (std::size_t i = 0; i < items.size(); ++i) {
            findFractional(items[i], pointer + "/" + std::to_string(i), found);
        }
    }
}

std::vector<std::pair<std::string, Kube::Reader>> fractionalsOf(const Kube::Reader &flag)
{
    std::vector<std::pair<std::string, Kube::Reader>> found;
    findFractional(flag.field("targeting"), "/targeting", found);
    return found;
}

// The flag of a FeatureFlag that is the release, its split, and the variant of each color.
struct Split
{
    QString flagKey;
    std::string pointer;              // of the `fractional` list, from the resource's root
    std::optional<Kube::Reader> list; // always set once located
    std::string blueVariant;
    std::string greenVariant;
    QString what; // "flag recommendations of FeatureFlag shop-flags", for problems
};

Core::Result<Split> locateSplit(const Kube::Reader &route)
{
    auto refused = [](const QString &message) { return Core::makeError(Core::ErrorKind::Refused, message); };
    const QString name = route.field("metadata").field("name").string();
    const Kube::Reader annotations = route.field("metadata").field("annotations");
    const Kube::Reader flags = route.field("spec").field("flagSpec").field("flags");
    QString key = annotations.field(Conventions::flagAnnotation.toStdString()).string();
    if (key.isEmpty()) {
        QStringList splitting;
        for (const auto &[flagKey, flag] : flags.members()) {
            if (!fractionalsOf(flag).empty()) {
                splitting << QString::fromStdString(flagKey);
            }
        }
        if (splitting.size() != 1) {
            return refused(
                splitting.isEmpty()
                    ? QStringLiteral("FeatureFlag %1 has no flag whose targeting splits callers with fractional")
                          .arg(name)
                    : QStringLiteral("FeatureFlag %1 has several flags that split callers (%2); name the release's "
                                     "flag in the annotation %3")
                          .arg(name, splitting.join(QStringLiteral(", ")), Conventions::flagAnnotation));
        }
        key = splitting.first();
    }
    Split split;
    split.flagKey = key;
    split.what = QStringLiteral("flag %1 of FeatureFlag %2").arg(key, name);
    const Kube::Reader flag = flags.field(key.toStdString());
    if (!flag.isObject()) {
        return refused(
            QStringLiteral("FeatureFlag %1 has no flag %2 (named by %3)").arg(name, key, Conventions::flagAnnotation));
    }
    if (const QString state = flag.field("state").string(); state != QLatin1String("ENABLED")) {
        return refused(QStringLiteral("%1 is %2: flagd gives every caller the application's default, so no split "
                                      "applies; set its state to ENABLED")
                           .arg(split.what, state.isEmpty() ? QStringLiteral("without a state") : state));
    }
    const auto fractionals = fractionalsOf(flag);
    if (fractionals.size() != 1) {
        return refused(fractionals.empty()
                           ? QStringLiteral("%1 has no fractional split in its targeting").arg(split.what)
                           : QStringLiteral("%1 has %2 fractional splits; Curtain moves a flag with exactly one")
                                 .arg(split.what)
                                 .arg(fractionals.size()));
    }
    split.pointer = "/spec/flagSpec/flags/" + pointerToken(key.toStdString()) + fractionals[0].first;
    split.list.emplace(fractionals[0].second);
    for (const Color color : {Color::Blue, Color::Green}) {
        const QString colorName = Core::colorName(color);
        std::string variant = annotations.field(Conventions::variantAnnotation(colorName).toStdString()).stdString();
        if (variant.empty()) {
            variant = colorName.toStdString();
        }
        if (!flag.field("variants").field(variant).exists()) {
            return refused(QStringLiteral("%1 has no variant \"%2\" for %3; name the variants with %4 and %5")
                               .arg(split.what, QString::fromStdString(variant), colorName,
                                    Conventions::variantAnnotation(QStringLiteral("blue")),
                                    Conventions::variantAnnotation(QStringLiteral("green"))));
        }
        (color == Color::Blue ? split.blueVariant : split.greenVariant) = variant;
    }
    return split;
}

// flagd's bucket: ["variant", weight]; a bucket without a weight weighs 1. The first element of the
// list may instead be the bucketing expression, which is not a bucket.
bool isBucket(const Kube::Reader &item)
{
    return item.isArray();
}

} // namespace

std::vector<const Json *> FeatureFlagAdapter::routes(const ClusterView &view) const
{
    return Weighted::labelledRoutes(view.featureFlags);
}

QString FeatureFlagAdapter::objectPath(const Json &route) const
{
    return QStringLiteral("/apis/core.openfeature.dev/v1beta1/namespaces/%1/featureflags/%2")
        .arg(Kube::pathSegment(Kube::objectNamespace(route)), Kube::pathSegment(Kube::objectName(route)));
}

void FeatureFlagAdapter::doRead(const Kube::Reader &route, const ClusterView &view,
                                Core::ReleaseSnapshot &snapshot) const
{
    const Core::Result<Split> located = locateSplit(route);
    if (!located.ok()) {
        snapshot.problem = located.error().message;
        return;
    }
    const Split &split = located.value();
    snapshot.routeDetail =
        QStringLiteral("flag %1: blue = %2, green = %3")
            .arg(split.flagKey, QString::fromStdString(split.blueVariant), QString::fromStdString(split.greenVariant));
    long long blue = 0;
    long long green = 0;
    const std::vector<Kube::Reader> items = split.list->items();
    for (std::size_t i = 0; i < items.size(); ++i) {
        if (!isBucket(items[i])) {
            if (i != 0) {
                items[i].fail(QStringLiteral("is not a [variant, weight] bucket"));
            }
            continue;
        }
        const std::string variant = items[i].item(0).stdString();
        const Kube::Reader weightField = items[i].item(1);
        if (weightField.isObject() || weightField.isArray()) {
            weightField.fail(QStringLiteral("is a JSONLogic expression; Curtain reads and writes whole-number weights "
                                            "only, so write the weight as a number"));
            return;
        }
        const long long weight = weightField.exists() ? weightField.integer(0, 0, Weighted::maxWeight) : 1;
        if (variant == split.blueVariant) {
            blue += weight;
        } else if (variant == split.greenVariant) {
            green += weight;
        } else if (weight > 0) {
            snapshot.problem = QStringLiteral("%1 gives weight %2 to variant \"%3\", which is neither blue (\"%4\") "
                                              "nor green (\"%5\"); Curtain moves a split between two variants")
                                   .arg(split.what)
                                   .arg(weight)
                                   .arg(QString::fromStdString(variant), QString::fromStdString(split.blueVariant),
                                        QString::fromStdString(split.greenVariant));
            return;
        }
    }
    Weighted::applyWeights(snapshot, route, blue, green, split.what);
    // One Deployment serving both variants has no per-color Service: its metrics are the release's
    // Service's, told apart by their variant label (README, "Feature-flag rollouts").
    if (const Json *service = view.service(snapshot.namespaceName, snapshot.name)) {
        for (const Color color : {Color::Blue, Color::Green}) {
            Core::Environment &env = color == Color::Blue ? snapshot.blue : snapshot.green;
            if (env.metricsPath.isEmpty()) {
                env.metricsPath = metricsPathOf(*service);
                env.metricsVariant =
                    QString::fromStdString(color == Color::Blue ? split.blueVariant : split.greenVariant);
            }
        }
    }
}

Core::Result<RoutePatch> FeatureFlagAdapter::doWrite(const Kube::Reader &reader, const ClusterView &,
                                                     const Core::TargetState &target) const
{
    const Json &route = *reader.json();
    const Core::Result<Split> located = locateSplit(reader);
    if (!located.ok()) {
        return located.error();
    }
    const Split &split = located.value();
    // The list as it is, with the two colors' weights set; a color missing from it is added.
    Json list = split.list->json() ? *split.list->json() : Json::array();
    bool blueSet = false;
    bool greenSet = false;
    const std::vector<Kube::Reader> items = split.list->items();
    for (std::size_t i = 0; i < items.size(); ++i) {
        if (!isBucket(items[i])) {
            continue;
        }
        const std::string variant = items[i].item(0).stdString();
        const bool blue = variant == split.blueVariant;
        if (!blue && variant != split.greenVariant) {
            continue;
        }
        Json bucket = Json::array({variant, target.weight(blue ? Color::Blue : Color::Green)});
        list[i] = bucket;
        (blue ? blueSet : greenSet) = true;
    }
    if (!blueSet) {
        list.push_back(Json::array({split.blueVariant, target.weight(Color::Blue)}));
    }
    if (!greenSet) {
        list.push_back(Json::array({split.greenVariant, target.weight(Color::Green)}));
    }
    Json operations = Json::array();
    operations.push_back(
        {{"op", "test"}, {"path", "/metadata/resourceVersion"}, {"value", Kube::resourceVersion(route).toStdString()}});
    operations.push_back({{"op", "replace"}, {"path", split.pointer}, {"value", list}});
    Weighted::appendRoleOperations(operations, route, target);
    return RoutePatch{objectPath(route), Kube::PatchType::Json, QByteArray::fromStdString(operations.dump())};
}

} // namespace Curtain::Adapters
