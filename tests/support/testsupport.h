#pragma once

#include <QProcess>
#include <QString>
#include <QStringList>

#include <nlohmann/json.hpp>

#include <vector>

#include <memory>
#include <optional>

namespace Curtain::Test {

// Where the built binaries are (set by curtain_add_test) and the project's own fixtures.
QString binary(const QString &name);
QString projectFixture(const QString &relativePath);
QByteArray readFile(const QString &path);
// Writes `text` to `path`; the path, or empty when it could not be written.
QString writeFile(const QString &path, const QByteArray &text);

// The JSON lines of a file another thread or process is still appending to (curtain-sim's audit
// log): only the lines it has finished, ending in a newline. A line half written is left for the
// next read rather than failing to parse.
std::vector<nlohmann::json> finishedJsonLines(const QString &path);

// The upstream conformance data (../shared/fixtures, or CURTAIN_UPSTREAM_FIXTURES); empty when absent.
QString upstreamFixtures();
QString upstreamFixturesSearched(); // where upstreamFixtures() looked
// The skip message when they are absent, naming the path; ctest reports such a suite as skipped.
QByteArray upstreamFixturesMissing();

// The middle value (the upper one of an even count); -1 for none. For benchmark figures.
double median(QList<double> values);

// The full path of a program on PATH, or empty. Tests that need one fail naming the Debian package.
QString findProgram(const QString &name);

// Runs `kubectl --server SERVER ARGUMENTS…` to the end (at most a minute) with HOME set to `home`
// (its discovery cache goes there, not into the user's ~/.kube) and no KUBECONFIG; returns what it
// printed, standard error included, and sets `exitCode` (-1 when it crashed or did not finish).
QString runKubectl(const QString &kubectl, const QString &server, const QString &home, const QStringList &arguments,
                   int *exitCode = nullptr);

// Makes a child end with the test: if the test process dies (a crash, an abort, a ctest timeout), the
// kernel kills the child, so no curtain-sim, Prometheus or curtainctl is left holding ports. Call
// before start(). Linux only; elsewhere the destructors that stop them are all there is.
void endsWithTheTest(QProcess &process);

// A curtain-sim process on 127.0.0.1 and a free port, stopped when this object goes away.
class SimProcess
{
public:
    SimProcess() = default;
    ~SimProcess();
    // Starts the binary and waits for its "serving … at URL" line; false (with `error`) on failure.
    bool start(QString *error, const QStringList &extraArguments = {});
    QString url() const { return m_url; }
    int port() const { return m_port; }
    qint64 pid() const { return m_process ? m_process->processId() : 0; }
    // What it has printed on standard error so far: started with --log, one line per request it
    // answered ("GET /version -> 200"). Reads what the event loop has received; poll with QTRY_*.
    QString errorOutput();

private:
    std::unique_ptr<QProcess> m_process;
    QByteArray m_errorOutput;
    QString m_url;
    int m_port = 0;
};

// A plain HTTP reader of the sim's state, independent of Curtain's own client (cpp-httplib).
class ApiReader
{
public:
    explicit ApiReader(int port) : m_port(port) {}
    std::optional<nlohmann::json> get(const std::string &path) const;
    // Sends a patch the way another client would; returns the HTTP status.
    int patch(const std::string &path, const std::string &contentType, const std::string &body) const;
    // Sets curtain-sim's injected faults (`PUT /curtain-sim/faults`), with a bearer token when the
    // sim demands one.
    int setFaults(const std::string &plan, const std::string &token = {}) const;

    // Convenience readers for the demo scenario's objects.
    std::pair<long long, long long> catalogWeights() const; // blue, green
    std::string checkoutColor() const;
    std::string resourceVersion(const std::string &path) const;

private:
    int m_port;
};

} // namespace Curtain::Test
