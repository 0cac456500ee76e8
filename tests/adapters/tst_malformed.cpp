// Every route kind and an Argo Rollout, with each field of a valid object broken in every way a
// server could send it: the console must list the release with a problem naming the field (or read
// it sensibly), never throw, refuse writes to it, and leave the other releases exactly as they were.

#include "adapters/routeadapter.h"

#include <QTest>

#include <functional>

using namespace Curtain;
using Kube::Json;

namespace {

Json metadata(const char *name, const char *release, const Json &annotations = Json::object())
{
    Json m = {{"name", name},
              {"namespace", "shop"},
              {"resourceVersion", "7"},
              {"generation", 1},
              {"labels", {{"curtain.dev/release", release}}}};
    if (!annotations.empty()) {
        m["annotations"] = annotations;
    }
    return m;
}

Json deployment(const std::string &release, const std::string &color)
{
    const std::string name = release + "-" + color;
    return {{"metadata",
             {{"name", name},
              {"namespace", "shop"},
              {"generation", 1},
              {"labels",
               {{"curtain.dev/release", release}, {"curtain.dev/color", color}, {"app.kubernetes.io/version", "v1"}}}}},
            {"spec", {{"replicas", 2}}},
            {"status",
             {{"observedGeneration", 1},
              {"replicas", 2},
              {"updatedReplicas", 2},
              {"readyReplicas", 2},
              {"availableReplicas", 2}}}};
}

Json replicaSet(const char *hash, int revision)
{
    return {{"metadata",
             {{"name", std::string("payments-") + hash},
              {"namespace", "shop"},
              {"generation", 1},
              {"labels", {{"rollouts-pod-template-hash", hash}}},
              {"annotations", {{"rollout.argoproj.io/revision", std::to_string(revision)}}},
              {"ownerReferences", {{{"kind", "Rollout"}, {"name", "payments"}}}}}},
            {"spec", {{"replicas", 1}, {"template", {{"spec", {{"containers", {{{"image", "pay:v1"}}}}}}}}}},
            {"status", {{"observedGeneration", 1}, {"readyReplicas", 1}, {"availableReplicas", 1}}}};
}

// One valid release of every kind, and the Deployments behind the weighted ones.
Adapters::ClusterView validView()
{
    Adapters::ClusterView view;
    for (const char *release : {"web", "catalog", "reviews", "orders", "search", "recommendations"}) {
        view.deployments.push_back(deployment(release, "blue"));
        view.deployments.push_back(deployment(release, "green"));
    }
    // A Flagger canary's: its target and the primary Flagger made of it, found by name.
    for (const char *name : {"podinfo", "podinfo-primary"}) {
        Json d = deployment("podinfo", "blue");
        d["metadata"]["name"] = name;
        d["metadata"]["labels"].erase("curtain.dev/color");
        view.deployments.push_back(d);
    }
    view.services.push_back({{"metadata", metadata("web", "web", {{"curtain.dev/previous-color", "blue"}})},
                             {"spec", {{"selector", {{"app", "web"}, {"curtain.dev/color", "green"}}}}}});
    view.httpRoutes.push_back(
        {{"metadata", metadata("catalog", "catalog")},
         {"spec",
          {{"parentRefs", {{{"name", "gateway"}}}},
           {"rules",
            {{{"backendRefs",
               {{{"name", "catalog-blue"}, {"weight", 90}}, {{"name", "catalog-green"}, {"weight", 10}}}},
              {"timeouts", {{"request", "10s"}}}}}}}}});
    view.virtualServices.push_back({{"apiVersion", "networking.istio.io/v1"},
                                    {"metadata", metadata("reviews", "reviews")},
                                    {"spec",
                                     {{"hosts", {"reviews"}},
                                      {"http",
                                       {{{"route",
                                          {{{"destination", {{"host", "reviews-blue"}}}, {"weight", 80}},
                                           {{"destination", {{"host", "reviews-green"}}}, {"weight", 20}}}}}}}}}});
    view.trafficSplits.push_back(
        {{"metadata", metadata("orders", "orders", {{"curtain.dev/stable-color", "blue"}})},
         {"spec",
          {{"service", "orders"},
           {"backends",
            {{{"service", "orders-blue"}, {"weight", 70}}, {{"service", "orders-green"}, {"weight", 30}}}}}}});
    view.ingresses.push_back(
        {{"metadata", metadata("search-canary", "search",
                               {{"nginx.ingress.kubernetes.io/canary", "true"},
                                {"nginx.ingress.kubernetes.io/canary-weight", "25"}})},
         {"spec", {{"defaultBackend", {{"service", {{"name", "search-green"}, {"port", {{"number", 80}}}}}}}}}});
    view.rollouts.push_back(
        {{"metadata", metadata("payments", "payments")},
         {"spec",
          {{"replicas", 2},
           {"strategy",
            {{"canary",
              {{"canaryService", "payments-canary"},
               {"stableService", "payments-stable"},
               {"steps", {{{"setWeight", 25}}, {{"pause", {{"duration", "10m"}}}}, {{"setWeight", 50}}}}}}}}}},
         {"status",
          {{"observedGeneration", "1"},
           {"replicas", 2},
           {"updatedReplicas", 1},
           {"readyReplicas", 2},
           {"availableReplicas", 2},
           {"currentStepIndex", 1},
           {"stableRS", "a"},
           {"currentPodHash", "b"},
           {"pauseConditions", {{{"reason", "CanaryPauseStep"}, {"startTime", "2026-11-26T10:00:00Z"}}}}}}});
    view.replicaSets.push_back(replicaSet("a", 1));
    view.replicaSets.push_back(replicaSet("b", 2));
    view.featureFlags.push_back(
        {{"metadata", metadata("flags", "recommendations", {{"curtain.dev/flag", "recommendations"}})},
         {"spec",
          {{"flagSpec",
            {{"flags",
              {{"recommendations",
                {{"state", "ENABLED"},
                 {"variants", {{"blue", "classic"}, {"green", "personalized"}}},
                 {"defaultVariant", "blue"},
                 {"targeting", {{"fractional", {{{"var", "userId"}}, {"blue", 85}, {"green", 15}}}}}}}}}}}}}});
    // A flagd file in a ConfigMap: its text is read by the flag file parser (fuzzed on its own).
    view.configMaps.push_back(
        {{"metadata", metadata("banners-flags", "banners",
                               {{"curtain.dev/flag-file", "flags.json"},
                                {"curtain.dev/blue-variant", "blue"},
                                {"curtain.dev/green-variant", "green"}})},
         {"data",
          {{"flags.json", R"({"flags": {"banners": {"state": "ENABLED", "variants": {"blue": 1, "green": 2},
              "defaultVariant": "blue", "targeting": {"fractional": [["blue", 70], ["green", 30]]}}}})"},
           {"README", "the banners flags"}}}});
    view.canaries.push_back(
        {{"metadata", metadata("podinfo", "podinfo")},
         {"spec",
          {{"targetRef", {{"apiVersion", "apps/v1"}, {"kind", "Deployment"}, {"name", "podinfo"}}},
           {"suspend", false},
           {"analysis",
            {{"interval", "15s"},
             {"threshold", 5},
             {"stepWeight", 10},
             {"maxWeight", 50},
             {"webhooks",
              {{{"name", "promotion"},
                {"type", "confirm-promotion"},
                {"url", "http://flagger-loadtester.shop/gate/check"}}}}}}}},
         {"status",
          {{"phase", "WaitingPromotion"},
           {"canaryWeight", 50},
           {"failedChecks", 0},
           {"iterations", 0},
           {"conditions", {{{"type", "Promoted"}, {"status", "Unknown"}, {"message", "Waiting for approval."}}}}}}});
    return view;
}

struct Kind
{
    const char *release;
    const char *objectKind;
    Kube::ObjectList Adapters::ClusterView::*list;
    // Fields whose change makes the object no release of this kind at all (it is then not listed).
    QStringList membership;
};

const std::vector<Kind> &kinds()
{
    static const std::vector<Kind> all = {
        {"web", "Service", &Adapters::ClusterView::services, {QStringLiteral("spec"), QStringLiteral("spec.selector")}},
        {"catalog", "HTTPRoute", &Adapters::ClusterView::httpRoutes, {}},
        {"reviews", "VirtualService", &Adapters::ClusterView::virtualServices, {}},
        {"orders", "TrafficSplit", &Adapters::ClusterView::trafficSplits, {}},
        {"search", "Ingress", &Adapters::ClusterView::ingresses, {}},
        {"payments", "Rollout", &Adapters::ClusterView::rollouts, {}},
        {"recommendations", "FeatureFlag", &Adapters::ClusterView::featureFlags, {}},
        {"podinfo", "Canary", &Adapters::ClusterView::canaries, {}},
        {"banners", "ConfigMap", &Adapters::ClusterView::configMaps, {}},
    };
    return all;
}

// What a user sees of a release, to tell "unchanged" from "changed".
QString summary(const Core::ReleaseSnapshot &r)
{
    return QStringLiteral("%1/%2 %3 blue %4 green %5 stable %6 problem \"%7\" flip %8")
        .arg(r.namespaceName, r.name, r.routeName)
        .arg(r.blue.trafficPercent)
        .arg(r.green.trafficPercent)
        .arg(Core::colorName(r.stable), r.problem)
        .arg(r.capabilities.flip.enabled);
}

// A field's path as Kube::Reader names it, and a pointer to it.
struct Site
{
    QString path;
    Json::json_pointer pointer;
    Json original;
};

void collectSites(const Json &value, const QString &path, const Json::json_pointer &pointer, std::vector<Site> &out)
{
    if (!path.isEmpty()) {
        out.push_back({path, pointer, value});
    }
    if (value.is_object()) {
        for (const auto &[key, child] : value.items()) {
            const QString name = QString::fromStdString(key);
            const bool plain = !name.contains(QLatin1Char('.')) && !name.contains(QLatin1Char('/'));
            const QString childPath = plain ? (path.isEmpty() ? name : path + QLatin1Char('.') + name)
                                            : path + QStringLiteral("[\"") + name + QStringLiteral("\"]");
            if (childPath == QStringLiteral("metadata.labels")) {
                continue; // the release label decides what is a release; without it nothing is listed
            }
            collectSites(child, childPath, pointer / key, out);
        }
    } else if (value.is_array()) {
        for (std::size_t i = 0; i < value.size(); ++i) {
            collectSites(value[i], path + QLatin1Char('[') + QString::number(i) + QLatin1Char(']'), pointer / i, out);
        }
    }
}

Json deepNesting(int levels)
{
    Json nested = Json::object();
    for (int i = 0; i < levels; ++i) {
        Json outer = Json::object();
        outer["nested"] = std::move(nested);
        nested = std::move(outer);
    }
    return nested;
}

// The replacement a mutation puts at a site; nullopt removes the field, and a mutation that does
// not apply to the site's type leaves it alone (returns the original).
using Mutation = std::function<std::optional<Json>(const Json &original)>;

std::vector<std::pair<const char *, Mutation>> mutations()
{
    return {
        {"type flipped",
         [](const Json &o) -> std::optional<Json> {
             if (o.is_string()) {
                 return Json(90);
             }
             if (o.is_number()) {
                 return Json(o.dump()); // 90 → "90"
             }
             if (o.is_boolean()) {
                 return Json(o.dump());
             }
             return Json("text");
         }},
        {"boolean", [](const Json &) -> std::optional<Json> { return Json(true); }},
        {"removed", [](const Json &) -> std::optional<Json> { return std::nullopt; }},
        {"null", [](const Json &) -> std::optional<Json> { return Json(nullptr); }},
        {"array for object",
         [](const Json &o) -> std::optional<Json> { return o.is_array() ? Json::object() : Json::array({o}); }},
        {"empty object", [](const Json &) -> std::optional<Json> { return Json::object(); }},
        {"1e300", [](const Json &) -> std::optional<Json> { return Json(1e300); }},
        {"2^63", [](const Json &) -> std::optional<Json> { return Json(std::uint64_t(1) << 63); }},
        {"-1", [](const Json &) -> std::optional<Json> { return Json(-1); }},
        {"3000000000", [](const Json &) -> std::optional<Json> { return Json(3000000000LL); }},
        // Built afresh each time and moved into place: copying it recurses once per level.
        {"10000 levels deep",
         [](const Json &o) -> std::optional<Json> {
             if (!o.is_object()) {
                 return o;
             }
             return deepNesting(10000);
         }},
    };
}

} // namespace

class TestMalformed : public QObject
{
    Q_OBJECT

    Adapters::ClusterView m_view;
    QHash<QString, QString> m_baseline; // release → summary of the valid view

    static std::optional<Core::ReleaseSnapshot> find(const Core::ReleaseSnapshots &releases, const QString &name)
    {
        for (const auto &r : releases) {
            if (r.name == name) {
                return r;
            }
        }
        return std::nullopt;
    }

    // Discovers releases in `view` (whose `kind` object was broken at `site`); returns what is wrong.
    QString judge(const Adapters::ClusterView &view, const Kind &kind, const QString &site)
    {
        Core::ReleaseSnapshots releases;
        try {
            releases = Adapters::discoverReleases(view);
        } catch (...) {
            return QStringLiteral("discoverReleases threw");
        }
        for (const Kind &other : kinds()) {
            const QString name = QString::fromLatin1(other.release);
            if (&other == &kind) {
                continue;
            }
            const auto r = find(releases, name);
            if (!r || summary(*r) != m_baseline.value(name)) {
                return QStringLiteral("unrelated release %1 changed: %2")
                    .arg(name, r ? summary(*r) : QStringLiteral("gone"));
            }
        }
        const auto mutated = find(releases, QString::fromLatin1(kind.release));
        if (!mutated) {
            const bool membership = std::any_of(kind.membership.begin(), kind.membership.end(), [&](const QString &m) {
                return site == m || site.startsWith(m + QLatin1Char('.'));
            });
            // Without metadata (it holds the release label) or the canary annotation it is no release.
            const bool identity =
                site == QLatin1String("metadata") || site.startsWith(QLatin1String("metadata.annotations"));
            return membership || identity ? QString() : QStringLiteral("not listed");
        }
        const QString &problem = mutated->problem;
        if (problem.contains(QLatin1String("cannot be read"))) {
            return QStringLiteral("an exception reached the boundary: ") + problem;
        }
        if (problem.contains(QLatin1String(", expected "))) {
            // "<Kind> shop/<name>: <path> is …, expected …", the path being the broken field or inside it.
            const QString prefix = QLatin1String(kind.objectKind) + QLatin1Char(' ');
            const qsizetype from = problem.indexOf(QLatin1String(": ")) + 2;
            const QString named = problem.mid(from, problem.indexOf(QLatin1String(" is "), from) - from);
            if (!problem.startsWith(prefix) || !named.startsWith(site)) {
                return QStringLiteral("problem does not name the object and field: ") + problem;
            }
        }
        if (!problem.isEmpty() && (mutated->capabilities.flip.enabled || mutated->capabilities.setWeight.enabled ||
                                   mutated->capabilities.promote.enabled)) {
            return QStringLiteral("a release with a problem offers writes: ") + problem;
        }
        const Adapters::RouteAdapter *adapter = nullptr;
        for (const auto &a : Adapters::allAdapters()) {
            if (a->objectKind() == QLatin1String(kind.objectKind)) {
                adapter = a.get();
            }
        }
        const Json &route = (view.*kind.list)[0];
        const auto patch = adapter->write(route, view, {50, 50, Core::Color::Blue, std::nullopt, {}, {}, {}});
        if (!problem.isEmpty() && patch.ok()) {
            return QStringLiteral("write accepted for a release with a problem: ") + problem;
        }
        return {};
    }

private Q_SLOTS:
    void init()
    {
        m_view = validView();
        m_baseline.clear();
        for (const auto &r : Adapters::discoverReleases(m_view)) {
            m_baseline.insert(r.name, summary(r));
        }
    }

    void validView_readsEveryRelease()
    {
        QCOMPARE(m_baseline.size(), int(kinds().size()));
        for (const QString &line : std::as_const(m_baseline)) {
            QVERIFY2(line.contains(QLatin1String("problem \"\"")), qPrintable(line));
        }
        QVERIFY2(m_baseline.value(QStringLiteral("catalog")).contains(QLatin1String("blue 90 green 10")),
                 qPrintable(m_baseline.value(QStringLiteral("catalog"))));
        QVERIFY2(m_baseline.value(QStringLiteral("payments")).contains(QLatin1String("blue 50 green 50")),
                 qPrintable(m_baseline.value(QStringLiteral("payments"))));
    }

    void everyField_data()
    {
        QTest::addColumn<int>("kindIndex");
        QTest::addColumn<int>("mutationIndex");
        const auto all = mutations();
        for (int k = 0; k < int(kinds().size()); ++k) {
            for (int m = 0; m < int(all.size()); ++m) {
                QTest::addRow("%s, %s", kinds()[std::size_t(k)].objectKind, all[std::size_t(m)].first) << k << m;
            }
        }
    }

    void everyField()
    {
        QFETCH(int, kindIndex);
        QFETCH(int, mutationIndex);
        const Kind &kind = kinds()[std::size_t(kindIndex)];
        const Mutation mutate = mutations()[std::size_t(mutationIndex)].second;
        std::vector<Site> sites;
        collectSites((m_view.*kind.list)[0], QString(), Json::json_pointer(), sites);
        QVERIFY(sites.size() > 10);
        QStringList failures;
        for (const Site &site : sites) {
            std::optional<Json> replacement = mutate(site.original);
            if (replacement && replacement->is_primitive() && *replacement == site.original) {
                continue;
            }
            Adapters::ClusterView view = validView();
            Json object = (view.*kind.list)[0];
            if (replacement) {
                object[site.pointer] = std::move(*replacement);
            } else if (Json &parent = object[site.pointer.parent_pointer()]; parent.is_array()) {
                parent.erase(std::stoul(site.pointer.back()));
            } else {
                parent.erase(site.pointer.back());
            }
            (view.*kind.list).replace(0, std::move(object));
            if (const QString wrong = judge(view, kind, site.path); !wrong.isEmpty()) {
                failures << site.path + QStringLiteral(": ") + wrong;
            }
        }
        QVERIFY2(failures.isEmpty(), qPrintable(failures.mid(0, 5).join(QLatin1Char('\n'))));
    }

    // The cases that used to end the process, with the sentence the user reads.
    void namedCases_data()
    {
        QTest::addColumn<int>("kindIndex");
        QTest::addColumn<QString>("pointer");
        QTest::addColumn<QByteArray>("value");
        QTest::addColumn<QString>("problem");
        QTest::newRow("HTTPRoute weight \"90\"")
            << 1 << QStringLiteral("/spec/rules/0/backendRefs/0/weight") << QByteArray(R"("90")")
            << QStringLiteral("HTTPRoute shop/catalog: spec.rules[0].backendRefs[0].weight is a string, expected an "
                              "integer");
        QTest::newRow("TrafficSplit backends holds a string")
            << 3 << QStringLiteral("/spec/backends/0") << QByteArray(R"("orders-blue")")
            << QStringLiteral("TrafficSplit shop/orders: spec.backends[0] is a string, expected an object");
        QTest::newRow("VirtualService http[0] not an object")
            << 2 << QStringLiteral("/spec/http/0") << QByteArray(R"(["route"])")
            << QStringLiteral("VirtualService shop/reviews: spec.http[0] is an array, expected an object");
        QTest::newRow("Rollout status.replicas \"2\"")
            << 5 << QStringLiteral("/status/replicas") << QByteArray(R"("2")")
            << QStringLiteral("Rollout shop/payments: status.replicas is a string, expected an integer");
        QTest::newRow("Rollout currentStepIndex -1")
            << 5 << QStringLiteral("/status/currentStepIndex") << QByteArray("-1")
            << QStringLiteral("Rollout shop/payments: status.currentStepIndex is -1, expected a whole number from 0 "
                              "to 2147483647");
        QTest::newRow("Rollout currentStepIndex 3000000000")
            << 5 << QStringLiteral("/status/currentStepIndex") << QByteArray("3000000000")
            << QStringLiteral("Rollout shop/payments: status.currentStepIndex is 3000000000, expected a whole number "
                              "from 0 to 2147483647");
        QTest::newRow("Service selector color is a number")
            << 0 << QStringLiteral("/spec/selector/curtain.dev~1color") << QByteArray("2")
            << QStringLiteral("Service shop/web: spec.selector[\"curtain.dev/color\"] is an integer, expected a "
                              "string");
        QTest::newRow("NGINX canary weight annotation is a number")
            << 4 << QStringLiteral("/metadata/annotations/nginx.ingress.kubernetes.io~1canary-weight")
            << QByteArray("25")
            << QStringLiteral("Ingress shop/search-canary: metadata.annotations[\"nginx.ingress.kubernetes.io/"
                              "canary-weight\"] is an integer, expected a string");
    }

    void namedCases()
    {
        QFETCH(int, kindIndex);
        QFETCH(QString, pointer);
        QFETCH(QByteArray, value);
        QFETCH(QString, problem);
        const Kind &kind = kinds()[std::size_t(kindIndex)];
        Json object = (m_view.*kind.list)[0];
        object[Json::json_pointer(pointer.toStdString())] = Json::parse(value.toStdString());
        (m_view.*kind.list).replace(0, std::move(object));
        const Core::ReleaseSnapshots releases = Adapters::discoverReleases(m_view);
        QCOMPARE(releases.size(), int(kinds().size()));
        const auto broken = find(releases, QString::fromLatin1(kind.release));
        QVERIFY(broken);
        QCOMPARE(broken->problem, problem);
        QCOMPARE(broken->namespaceName, QStringLiteral("shop"));
        QVERIFY(!broken->routeName.isEmpty());
        QCOMPARE(broken->health(), QStringLiteral("broken"));
        QVERIFY(!broken->capabilities.rollback.enabled);
        QCOMPARE(broken->capabilities.rollback.reason.contains(problem), true);
        const QString judged = judge(m_view, kind, pointer.mid(1).section(QLatin1Char('/'), 0, 0));
        QVERIFY2(judged.isEmpty(), qPrintable(judged));
    }
};

QTEST_GUILESS_MAIN(TestMalformed)
#include "tst_malformed.moc"
