// A release's history from this machine's journal, as the console reads it on every selection: a
// journal of 4,000 records (a busy year: about 15 actions a working day, spread over 40 releases on
// two clusters), read whole as before (Journal::read), then through the JournalIndex the console
// keeps: its first look, and a look after one more action. Prints the median of 9 of each.

#include "engine/journal.h"
#include "engine/journalindex.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QFileInfo>
#include <QTemporaryDir>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <memory>

using namespace Curtain;

namespace {

QJsonObject actionRecord(int i)
{
    return {
        {QStringLiteral("server"), i % 2 ? QStringLiteral("https://prod:6443") : QStringLiteral("https://stage:6443")},
        {QStringLiteral("namespace"), QStringLiteral("shop")},
        {QStringLiteral("release"), QStringLiteral("service-%1").arg(i % 20)},
        {QStringLiteral("action"), QStringLiteral("SetWeight")},
        {QStringLiteral("weight"), i % 100},
        {QStringLiteral("outcome"), QStringLiteral("applied")},
        {QStringLiteral("user"), QStringLiteral("jane@example.com")},
        {QStringLiteral("via"), QStringLiteral("console")},
        {QStringLiteral("time"), QStringLiteral("2026-03-04T10:11:12.000Z")},
        {QStringLiteral("note"), QStringLiteral("weight 40 → 60 % to green (checkout-v2.4.1)")}};
}

double medianMs(int runs, const std::function<void()> &setUp, const std::function<void()> &timed)
{
    QList<double> ms;
    for (int i = 0; i < runs; ++i) {
        setUp();
        QElapsedTimer clock;
        clock.start();
        timed();
        ms.append(double(clock.nsecsElapsed()) / 1e6);
    }
    std::sort(ms.begin(), ms.end());
    return ms[ms.size() / 2];
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("journal.jsonl"));
    Engine::Journal journal(path);
    const int records = 4'000;
    for (int i = 0; i < records; ++i) {
        if (!journal.append(actionRecord(i)).ok()) {
            std::fprintf(stderr, "the journal in %s could not be written\n", qPrintable(dir.path()));
            return 1;
        }
    }
    const QString server = QStringLiteral("https://prod:6443");
    const QString ns = QStringLiteral("shop");
    const QString release = QStringLiteral("service-7");

    int found = 0;
    const double whole = medianMs(
        9, [] {}, [&] { found = int(journal.read().records.size()); });
    std::unique_ptr<Engine::JournalIndex> index;
    const double first = medianMs(
        9, [&] { index = std::make_unique<Engine::JournalIndex>(path, server); },
        [&] { found = int(index->entriesOf(ns, release).entries.size()); });
    int appended = records;
    const double later = medianMs(
        9,
        [&] {
            if (!journal.append(actionRecord(appended++)).ok()) {
                std::abort(); // the journal was writable a moment ago
            }
        },
        [&] { found = int(index->entriesOf(ns, release).entries.size()); });

    // service-7 is every 20th record from the 8th; of the appended ones too.
    const int expected = (appended - 7 + 19) / 20;
    if (found != expected) {
        std::fprintf(stderr, "the index found %d entries of %s where the journal has %d\n", found, qPrintable(release),
                     expected);
        return 1;
    }
    std::printf("a release's history from a journal of %d records (%.1f MB), median of 9:\n", records,
                double(QFileInfo(path).size()) / 1e6);
    std::printf("  the whole journal read and verified (each selection, before): %7.2f ms\n", whole);
    std::printf("  the index's first look (once per session):                   %7.2f ms\n", first);
    std::printf("  a later look, one action appended since:                     %7.2f ms   (%d entries of %s)\n", later,
                found, qPrintable(release));
    return 0;
}
