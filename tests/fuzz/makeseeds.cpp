// Seeds for the fuzz targets, made at run time from the project's own data, so none is copied into
// the repository: the built-in demo scenario as curtain-sim serves it (each release's objects, its
// watch stream, requests that change it, its /metrics pages and Prometheus replies about them),
// plans and saved judge evidence from core, and object files named on the command line.
//
//   curtain-fuzz-seeds OUT-DIR [OBJECT-DIR…]
// writes OUT-DIR/<target>/<name>; each OBJECT-DIR (YAML or JSON object files, e.g. one Argo Rollout
// with its ReplicaSets) becomes one input of fuzz_releases.

#include "core/judge.h"
#include "core/plan.h"
#include "kube/yamldocuments.h"
#include "metrics/exposition.h"
#include "sim/clustermodel.h"
#include "sim/httpsupport.h"
#include "sim/objectstore.h"
#include "sim/scenario.h"

#include <QDir>
#include <QFile>
#include <QJsonDocument>

#include <chrono>
#include <cstdio>
#include <map>
#include <string>

using namespace Curtain;
using nlohmann::json;

namespace {

QDir g_out;

void write(const char *target, const std::string &name, const std::string &content)
{
    g_out.mkpath(QLatin1String(target));
    QFile file(g_out.filePath(QLatin1String(target) + QLatin1Char('/') + QString::fromStdString(name)));
    if (!file.open(QIODevice::WriteOnly) ||
        file.write(content.data(), qint64(content.size())) != qint64(content.size())) {
        std::fprintf(stderr, "curtain-fuzz-seeds: cannot write %s\n", qPrintable(file.fileName()));
        std::exit(1);
    }
}

// The demo cluster after a minute of traffic: Argo's ReplicaSets exist, counters have counted.
struct Demo
{
    Sim::Scenario scenario = std::get<Sim::Scenario>(Sim::parseScenario(Sim::builtinScenarioText()));
    Sim::ObjectStore store;
    Sim::ClusterModel model{store, scenario};

    Demo()
    {
        for (const json &object : scenario.objects) {
            if (const Sim::ResourceType *type = Sim::findResourceTypeByKind(object.value("kind", ""))) {
                store.create(*type, type->namespaced ? object["metadata"].value("namespace", "default") : "", object);
            }
        }
        const auto start = std::chrono::steady_clock::now();
        for (int second = 0; second <= 60; second += 5) {
            model.tick(start + std::chrono::seconds(second));
        }
    }
};

std::string releaseOf(const json &object)
{
    return object.value(json::json_pointer("/metadata/labels/curtain.dev~1release"), "");
}

// Each release's objects (route, Deployments, Services, Rollout, ReplicaSets), by release name.
std::map<std::string, std::vector<json>> releases(const Demo &demo)
{
    std::map<std::string, std::vector<json>> byRelease;
    std::map<std::string, std::string> rolloutRelease;
    for (const Sim::ResourceType &type : Sim::resourceTypes()) {
        for (const json &object : demo.store.all(type)) {
            if (const std::string release = releaseOf(object); !release.empty()) {
                byRelease[release].push_back(object);
                if (type.kind == "Rollout") {
                    rolloutRelease[object["metadata"].value("name", "")] = release;
                }
            }
        }
    }
    // Unlabelled: what a Rollout owns (ReplicaSets, AnalysisRuns) and the Services named after it.
    for (const Sim::ResourceType &type : Sim::resourceTypes()) {
        for (const json &object : demo.store.all(type)) {
            const std::string owner = object.value(json::json_pointer("/metadata/ownerReferences/0/name"), "");
            const std::string name = object["metadata"].value("name", "");
            const std::string prefix = name.substr(0, name.find('-'));
            if (!releaseOf(object).empty() || type.kind == "Namespace") {
                continue;
            }
            if (rolloutRelease.count(owner)) {
                byRelease[rolloutRelease[owner]].push_back(object);
            } else if (byRelease.count(prefix)) {
                byRelease[prefix].push_back(object);
            }
        }
    }
    return byRelease;
}

std::string request(const std::string &head, const std::string &contentType, const json &body)
{
    return head + "\nContent-Type: " + contentType + "\n\n" + body.dump();
}

std::string objectPath(const json &object)
{
    const Sim::ResourceType *type = Sim::findResourceTypeByKind(object.value("kind", ""));
    if (!type) {
        return {};
    }
    const std::string base = type->group.empty() ? "/api/v1" : "/apis/" + type->groupVersion();
    return base + "/namespaces/" + object["metadata"].value("namespace", "") + "/" + type->plural + "/" +
           object["metadata"].value("name", "");
}

// What clients send the sim about one object: each patch type, an update, a create, a list.
void writeRequests(const std::string &release, const std::vector<json> &objects)
{
    int n = 0;
    for (const json &object : objects) {
        const std::string path = objectPath(object);
        if (path.empty()) {
            continue;
        }
        const std::string version = object["metadata"].value("resourceVersion", "");
        const std::string name = release + "-" + std::to_string(n++);
        const json labels = object["metadata"].value("labels", json::object());
        write("simrequest", name + "-merge",
              request("PATCH " + path, "application/merge-patch+json",
                      {{"metadata", {{"resourceVersion", version}, {"labels", {{"fuzz", "x"}}}}},
                       {"spec", object.value("spec", json::object())}}));
        write("simrequest", name + "-jsonpatch",
              request("PATCH " + path, "application/json-patch+json",
                      json::array({{{"op", "test"}, {"path", "/metadata/resourceVersion"}, {"value", version}},
                                   {{"op", "copy"}, {"from", "/metadata/labels"}, {"path", "/metadata/annotations"}},
                                   {{"op", "remove"}, {"path", "/metadata/annotations"}}})));
        write(
            "simrequest", name + "-strategic",
            request("PATCH " + path, "application/strategic-merge-patch+json",
                    {{"metadata", {{"labels", {{"fuzz", nullptr}}}}}, {"spec", object.value("spec", json::object())}}));
        json renamed = object;
        renamed["metadata"] = {{"name", "fuzz-copy"}, {"labels", labels}};
        renamed.erase("status");
        const std::string collection = path.substr(0, path.rfind('/'));
        write("simrequest", name + "-update-create",
              request("PUT " + path, "application/json", object) + "\n###\n" +
                  request("POST " + collection, "application/json", renamed) + "\n###\nGET " + collection +
                  "?labelSelector=curtain.dev/release%3D" + release + "&limit=1\n\n\n###\nDELETE " + path + "\n\n");
    }
}

// One short stream per object (inputs stay small, so each costs little): added, a bookmark, deleted.
void writeWatch(const std::string &release, const std::vector<json> &objects)
{
    for (std::size_t i = 0; i < objects.size(); ++i) {
        const json &object = objects[i];
        const json metadata = {{"name", object["metadata"].value("name", "")}, {"resourceVersion", "999"}};
        const json stub = {{"kind", object.value("kind", "")}, {"metadata", metadata}};
        write("watchdecoder", release + "-" + std::to_string(i) + ".ndjson",
              Sim::Http::eventLine("ADDED", object) + Sim::Http::eventLine("BOOKMARK", stub) +
                  Sim::Http::eventLine("DELETED", stub));
    }
}

// A Prometheus API reply about the samples of one exposition, as a vector and as a matrix.
void writePrometheusReplies(const std::string &name, const QList<Metrics::Sample> &samples)
{
    json vector = json::array();
    json matrix = json::array();
    for (const Metrics::Sample &sample : samples) {
        json metric = {{"__name__", sample.name.toStdString()}};
        for (auto it = sample.labels.begin(); it != sample.labels.end(); ++it) {
            metric[it.key().toStdString()] = it.value().toStdString();
        }
        const std::string value = std::to_string(sample.value);
        vector.push_back({{"metric", metric}, {"value", {1764676800.5, value}}});
        matrix.push_back({{"metric", metric}, {"values", {{1764676800, "0"}, {1764676815, value}}}});
    }
    write("prometheusreply", name + "-vector.json",
          json{{"status", "success"}, {"data", {{"resultType", "vector"}, {"result", vector}}}}.dump());
    write("prometheusreply", name + "-matrix.json",
          json{{"status", "success"}, {"data", {{"resultType", "matrix"}, {"result", matrix}}}}.dump());
}

void writeMetrics(const Demo &demo, const std::string &release, const std::string &ns)
{
    for (const char *color : {"blue", "green"}) {
        const auto text = demo.model.exposition(ns, release + "-" + color);
        if (!text) {
            continue;
        }
        write("exposition", release + "-" + color + ".txt", *text);
        const auto samples = Metrics::parseExposition(QByteArray::fromStdString(*text));
        if (samples.ok()) {
            writePrometheusReplies(release + "-" + color, samples.value());
        }
    }
}

// The classic plan, and a plan in progress with the evidence a judge saved after a few samples.
void writePlans()
{
    const Core::Plan classic = Core::classicPlan();
    write("planfile", "classic.json", QJsonDocument(classic.toJson()).toJson().toStdString());
    Core::Judge judge(classic.judge);
    for (int i = 1; i <= 6; ++i) {
        Core::CanarySample sample;
        sample.timeMs = 15000LL * i;
        sample.stable = {1000.0 * i, 2.0 * i, {{0.1, 900.0 * i}, {0.25, 990.0 * i}, {INFINITY, 1000.0 * i}}, true};
        sample.candidate = {100.0 * i, 3.0 * i, {{0.1, 80.0 * i}, {0.25, 97.0 * i}, {INFINITY, 100.0 * i}}, true};
        judge.observe(sample);
    }
    Core::PlanProgress progress;
    progress.plan = classic;
    progress.step = 1;
    progress.startedAt = QDateTime::fromString(QStringLiteral("2026-12-02T12:00:00.000Z"), Qt::ISODateWithMs);
    progress.stepStartedAt = progress.startedAt.addSecs(60);
    progress.heartbeat = progress.startedAt.addSecs(90);
    progress.driver = QStringLiteral("curtain@fuzz/1");
    progress.judgeState = judge.saveState();
    progress.verdict = judge.current().verdict;
    progress.reason = judge.current().reason;
    write("planfile", "progress.json", QJsonDocument(progress.toJson()).toJson().toStdString());
}

// One input of fuzz_releases per directory of object files (e.g. an Argo Rollout and its ReplicaSets).
void writeObjectDirectory(const QString &path)
{
    const QDir dir(path);
    json objects = json::array();
    for (const QString &name : dir.entryList(
             {QStringLiteral("*.yaml"), QStringLiteral("*.yml"), QStringLiteral("*.json")}, QDir::Files, QDir::Name)) {
        QFile file(dir.filePath(name));
        if (!file.open(QIODevice::ReadOnly)) {
            continue;
        }
        if (const auto parsed = Kube::parseObjects(file.readAll(), name); parsed.ok()) {
            for (const json &object : parsed.value()) {
                objects.push_back(object);
            }
        }
    }
    if (!objects.empty()) {
        write("releases", "dir-" + dir.dirName().toStdString() + ".json", objects.dump());
    }
}

} // namespace

int main(int argc, char **argv)
{
    if (argc < 2) {
        std::fprintf(stderr, "usage: curtain-fuzz-seeds OUT-DIR [OBJECT-DIR...]\n");
        return 2;
    }
    g_out = QDir(QString::fromLocal8Bit(argv[1]));
    // Every target gets its directory, seeded here or not, so the replay tests can name them all.
    for (const char *target : {"watchdecoder", "releases", "kubeconfig", "yamldocuments", "execcredential",
                               "exposition", "prometheusreply", "planfile", "simrequest", "history", "migration",
                               "sqllint", "haproxy", "backendcontrol", "flagfile", "quantity"}) {
        g_out.mkpath(QString::fromLatin1(target));
    }
    const Demo demo;
    for (const auto &[release, objects] : releases(demo)) {
        const std::string ns = objects.front()["metadata"].value("namespace", "");
        write("releases", release + ".json", json(objects).dump());
        std::string documents;
        for (const json &object : objects) {
            documents += "---\n" + object.dump(2) + "\n";
        }
        write("yamldocuments", release + ".yaml", documents);
        for (const json &object : objects) {
            // The flagd files the demo keeps in ConfigMaps, as their text.
            const json data = object.value("kind", "") == "ConfigMap" ? object.value("data", json::object()) : json();
            for (const auto &[key, text] : data.items()) {
                if (text.is_string()) {
                    write("flagfile", release + "-" + key, text.get<std::string>());
                }
            }
        }
        writeWatch(release, objects);
        writeRequests(release, objects);
        writeMetrics(demo, release, ns);
    }
    write("yamldocuments", "demo-scenario.yaml", Sim::builtinScenarioText());
    writePlans();
    for (int i = 2; i < argc; ++i) {
        writeObjectDirectory(QString::fromLocal8Bit(argv[i]));
    }
    return 0;
}
