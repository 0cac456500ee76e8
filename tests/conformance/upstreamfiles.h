#pragma once

// Reading the shared upstream fixtures (../shared/fixtures, or CURTAIN_UPSTREAM_FIXTURES) the way
// the conformance suites need: one object from a YAML file, and hand-written request files.

#include "kube/yamldocuments.h"

#include "testsupport.h"

#include <string>

namespace Curtain::Test {

inline QString upstream(const QString &relative)
{
    return Test::upstreamFixtures() + QStringLiteral("/kubernetes/") + relative;
}

// The first object of an upstream YAML file, read the way `curtainctl inspect` and kubectl read files.
inline nlohmann::json yamlObject(const QString &path)
{
    const auto objects = Kube::parseObjects(Test::readFile(path), path);
    return objects.ok() && !objects.value().empty() ? objects.value().front() : nlohmann::json();
}

// A request file: "METHOD PATH HTTP/1.1", headers, a blank line, the body.
struct HttpFile
{
    std::string method;
    std::string path;
    std::string contentType;
    std::string body;
};

inline HttpFile readHttpFile(const QString &path)
{
    HttpFile file;
    const QList<QByteArray> lines = Test::readFile(path).split('\n');
    const QList<QByteArray> first = lines.value(0).split(' ');
    file.method = first.value(0).toStdString();
    file.path = first.value(1).toStdString();
    qsizetype i = 1;
    for (; i < lines.size() && !lines[i].trimmed().isEmpty(); ++i) {
        if (lines[i].toLower().startsWith("content-type:")) {
            file.contentType = lines[i].mid(13).trimmed().toStdString();
        }
    }
    for (++i; i < lines.size(); ++i) {
        file.body += lines[i].toStdString() + "\n";
    }
    return file;
}

// Every object of an upstream YAML file.
inline std::vector<nlohmann::json> yamlObjects(const QString &path)
{
    const auto objects = Kube::parseObjects(Test::readFile(path), path);
    return objects.ok() ? objects.value() : std::vector<nlohmann::json>();
}

} // namespace Curtain::Test
