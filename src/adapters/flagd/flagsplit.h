#pragma once

#include "adapters/clusterview.h"
#include "core/action.h"
#include "core/release.h"
#include "core/result.h"
#include "kube/json.h"

#include <optional>
#include <string>

// What a flagd flag rollout is, wherever its definition is kept (a FeatureFlag resource, a flagd file
// in a ConfigMap): one flag whose targeting splits callers with flagd's `fractional` operation, two of
// whose variants are blue and green. Which flag is the release (curtain.dev/flag, needed only when
// several flags split), and which variant each color is (curtain.dev/blue-variant, …-green-variant;
// by default the variants named "blue" and "green") are annotations on the Kubernetes object.
namespace Curtain::Adapters::Flagd {

// A flagd flag set (`{"flags": {...}}`) and where it sits.
struct FlagSet
{
    Kube::Reader flags;       // the `flags` object
    Kube::Reader annotations; // of the object that holds the definition
    QString holder;           // "FeatureFlag shop-flags", for problems
    std::string flagsPointer; // JSON pointer of `flags` from the root that writes address
};

// The release's flag, its one `fractional` list, and the variant of each color.
struct Split
{
    QString flagKey;
    std::string pointer; // of the `fractional` list, from the same root as FlagSet::flagsPointer
    std::optional<Kube::Reader> list;
    std::string blueVariant;
    std::string greenVariant;
    QString what; // "flag recommendations of FeatureFlag shop-flags"
};

// The split, or a refusal naming what the definition lacks (no split, several, a disabled flag, a
// missing variant).
Core::Result<Split> locateSplit(const FlagSet &set);

// The two colors' weights in the split (a bucket without a weight weighs 1). A type problem is
// recorded on the list's reader; a split Curtain will not drive (a third variant with weight, a
// JSONLogic weight) is returned as the error.
Core::Result<std::pair<long long, long long>> readWeights(const Split &split);

// The `fractional` list with each color's weight set as the target says: every other element (the
// bucketing expression, buckets of other variants) as it was; a color with no bucket is appended.
Kube::Json targetList(const Split &split, const Core::TargetState &target);

// A flag rollout has no Service per color when one Deployment serves both variants: the colors then
// read the release's Service's metrics, told apart by their variant label.
void useVariantMetrics(Core::ReleaseSnapshot &snapshot, const ClusterView &view, const Split &split);

// RFC 6901: "~" → "~0", "/" → "~1".
std::string pointerToken(const std::string &key);

} // namespace Curtain::Adapters::Flagd
