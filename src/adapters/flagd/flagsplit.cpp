#include "adapters/flagd/flagsplit.h"

#include "adapters/conventions.h"
#include "adapters/environmentreader.h"
#include "adapters/weightedroute.h"

#include <QStringList>

namespace Curtain::Adapters::Flagd {

using Core::Color;
using Kube::Json;

std::string pointerToken(const std::string &key)
{
    std::string escaped;
    for (char c : key) {
        escaped += c == '~' ? std::string("~0") : c == '/' ? std::string("~1") : std::string(1, c);
    }
    return escaped;
}

namespace {

// Every `fractional` operation under `node`, with its JSON pointer. The adapters have refused objects
// that nest deeper than RouteAdapter allows before any of this runs, so the recursion is bounded.
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

// flagd's bucket: ["variant", weight]. The first element of the list may instead be the bucketing
// expression, which is not a bucket.
bool isBucket(const Kube::Reader &item)
{
    return item.isArray();
}

Core::Error refusedSplit(const QString &message)
{
    return Core::makeError(Core::ErrorKind::Refused, message);
}

// The flag the annotation names, else the only flag that splits.
Core::Result<QString> releaseFlagKey(const FlagSet &set)
{
    if (QString key = set.annotations.field(Conventions::flagAnnotation.toStdString()).string(); !key.isEmpty()) {
        return key;
    }
    QStringList splitting;
    for (const auto &[flagKey, flag] : set.flags.members()) {
        if (!fractionalsOf(flag).empty()) {
            splitting << QString::fromStdString(flagKey);
        }
    }
    if (splitting.size() == 1) {
        return splitting.first();
    }
    return refusedSplit(
        splitting.isEmpty()
            ? QStringLiteral("%1 has no flag whose targeting splits callers with fractional").arg(set.holder)
            : QStringLiteral("%1 has several flags that split callers (%2); name the release's flag in "
                             "the annotation %3")
                  .arg(set.holder, splitting.join(QStringLiteral(", ")), Conventions::flagAnnotation));
}

} // namespace

Core::Result<Split> locateSplit(const FlagSet &set)
{
    const Core::Result<QString> key = releaseFlagKey(set);
    if (!key.ok()) {
        return key.error();
    }
    Split split;
    split.flagKey = key.value();
    split.what = QStringLiteral("flag %1 of %2").arg(split.flagKey, set.holder);
    const Kube::Reader flag = set.flags.field(split.flagKey.toStdString());
    if (!flag.isObject()) {
        return refusedSplit(QStringLiteral("%1 has no flag %2 (named by %3)")
                                .arg(set.holder, split.flagKey, Conventions::flagAnnotation));
    }
    if (const QString state = flag.field("state").string(); state != QLatin1String("ENABLED")) {
        return refusedSplit(QStringLiteral("%1 is %2: flagd gives every caller the application's default, so no split "
                                           "applies; set its state to ENABLED")
                                .arg(split.what, state.isEmpty() ? QStringLiteral("without a state") : state));
    }
    const auto fractionals = fractionalsOf(flag);
    if (fractionals.size() != 1) {
        return refusedSplit(fractionals.empty()
                                ? QStringLiteral("%1 has no fractional split in its targeting").arg(split.what)
                                : QStringLiteral("%1 has %2 fractional splits; Curtain moves a flag with exactly one")
                                      .arg(split.what)
                                      .arg(fractionals.size()));
    }
    split.pointer = set.flagsPointer + "/" + pointerToken(split.flagKey.toStdString()) + fractionals[0].first;
    split.list.emplace(fractionals[0].second);
    for (const Color color : {Color::Blue, Color::Green}) {
        const QString colorName = Core::colorName(color);
        std::string variant =
            set.annotations.field(Conventions::variantAnnotation(colorName).toStdString()).stdString();
        if (variant.empty()) {
            variant = colorName.toStdString();
        }
        if (!flag.field("variants").field(variant).exists()) {
            return refusedSplit(QStringLiteral("%1 has no variant \"%2\" for %3; name the variants with %4 and %5")
                                    .arg(split.what, QString::fromStdString(variant), colorName,
                                         Conventions::variantAnnotation(QStringLiteral("blue")),
                                         Conventions::variantAnnotation(QStringLiteral("green"))));
        }
        (color == Color::Blue ? split.blueVariant : split.greenVariant) = variant;
    }
    return split;
}

Core::Result<std::pair<long long, long long>> readWeights(const Split &split)
{
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
            return refusedSplit(
                QStringLiteral("%1: %2 is a JSONLogic expression; Curtain reads and writes whole-number "
                               "weights only, so write the weight as a number")
                    .arg(split.what, weightField.path()));
        }
        const long long weight = weightField.exists() ? weightField.integer(0, 0, Weighted::maxWeight) : 1;
        if (variant == split.blueVariant) {
            blue += weight;
        } else if (variant == split.greenVariant) {
            green += weight;
        } else if (weight > 0) {
            return refusedSplit(
                QStringLiteral("%1 gives weight %2 to variant \"%3\", which is neither blue (\"%4\") nor "
                               "green (\"%5\"); Curtain moves a split between two variants")
                    .arg(split.what)
                    .arg(weight)
                    .arg(QString::fromStdString(variant), QString::fromStdString(split.blueVariant),
                         QString::fromStdString(split.greenVariant)));
        }
    }
    return std::pair{blue, green};
}

Json targetList(const Split &split, const Core::TargetState &target)
{
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
        // flagd adds up the buckets of a variant named twice: the first carries the weight, any
        // later one 0 (the weight written into each made it count twice).
        bool &set = blue ? blueSet : greenSet;
        list[i] = Json::array({variant, set ? 0 : target.weight(blue ? Color::Blue : Color::Green)});
        set = true;
    }
    if (!blueSet) {
        list.push_back(Json::array({split.blueVariant, target.weight(Color::Blue)}));
    }
    if (!greenSet) {
        list.push_back(Json::array({split.greenVariant, target.weight(Color::Green)}));
    }
    return list;
}

void useVariantMetrics(Core::ReleaseSnapshot &snapshot, const ClusterView &view, const Split &split)
{
    const Json *service = view.service(snapshot.namespaceName, snapshot.name);
    if (!service) {
        return;
    }
    for (const Color color : {Color::Blue, Color::Green}) {
        Core::Environment &env = color == Color::Blue ? snapshot.blue : snapshot.green;
        if (env.metricsPath.isEmpty()) {
            env.metricsPath = metricsPathOf(*service);
            env.metricsVariant = QString::fromStdString(color == Color::Blue ? split.blueVariant : split.greenVariant);
        }
    }
}

} // namespace Curtain::Adapters::Flagd
