// The journal keeps who did what after the cluster has forgotten its Events; its hash chain makes a
// changed, removed or cut-off line visible.

#include "engine/journal.h"
#include "engine/journalindex.h"

#include <QFile>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>

using namespace Curtain;

class TestJournal : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;

    // A journal of five records, "SetWeight 10" … "SetWeight 50".
    Engine::Journal fiveRecords(const QString &name)
    {
        Engine::Journal journal(m_dir.filePath(name + QStringLiteral("/journal.jsonl")));
        for (int weight = 10; weight <= 50; weight += 10) {
            const auto written = journal.append({{QStringLiteral("action"), QStringLiteral("SetWeight")},
                                                 {QStringLiteral("weight"), weight},
                                                 {QStringLiteral("user"), QStringLiteral("jane")}});
            if (!written.ok()) {
                qWarning("%s", qPrintable(written.error().message));
            }
        }
        return journal;
    }

    static QList<QByteArray> lines(const QString &path)
    {
        QFile file(path);
        if (!file.open(QIODevice::ReadOnly)) {
            return {};
        }
        QList<QByteArray> result = file.readAll().split('\n');
        result.removeAll(QByteArray());
        return result;
    }

    static QByteArray readAll(const QString &path)
    {
        QFile file(path);
        return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
    }

    static void writeAll(const QString &path, const QByteArray &bytes)
    {
        QFile file(path);
        QVERIFY(file.open(QIODevice::WriteOnly | QIODevice::Truncate));
        QCOMPARE(file.write(bytes), bytes.size());
    }

    static void rewrite(const QString &path, const QList<QByteArray> &lines)
    {
        QFile file(path);
        QVERIFY(file.open(QIODevice::WriteOnly | QIODevice::Truncate));
        for (const QByteArray &line : lines) {
            file.write(line + '\n');
        }
    }

private Q_SLOTS:
    void intactJournal_readsBackInOrder()
    {
        const Engine::Journal journal = fiveRecords(QStringLiteral("intact"));
        const Engine::Journal::Reading reading = journal.read();
        QCOMPARE(reading.problem, QString());
        QCOMPARE(reading.records.size(), 5);
        QCOMPARE(reading.records.front().value(QLatin1String("weight")).toInt(), 10);
        QCOMPARE(reading.records.back().value(QLatin1String("weight")).toInt(), 50);
        QCOMPARE(reading.records.front().value(QLatin1String("prev")).toString(), QString());
        QCOMPARE(reading.records.back().value(QLatin1String("prev")).toString().size(), 64); // SHA-256, hex
    }

    void editedLine_isDetectedAtTheLineAfterIt()
    {
        const Engine::Journal journal = fiveRecords(QStringLiteral("edited"));
        QList<QByteArray> text = lines(journal.path());
        text[1].replace("\"user\":\"jane\"", "\"user\":\"mallory\"");
        rewrite(journal.path(), text);
        const auto reading = journal.read();
        QVERIFY2(reading.problem.contains(QLatin1String("line 3")), qPrintable(reading.problem));
        QCOMPARE(reading.records.size(), 5); // still shown, with the warning
    }

    void removedLine_isDetected()
    {
        const Engine::Journal journal = fiveRecords(QStringLiteral("removed"));
        QList<QByteArray> text = lines(journal.path());
        text.removeAt(2);
        rewrite(journal.path(), text);
        QVERIFY2(journal.read().problem.contains(QLatin1String("line 3")), qPrintable(journal.read().problem));
    }

    void cutOffEnd_isDetected()
    {
        const Engine::Journal journal = fiveRecords(QStringLiteral("cut"));
        QList<QByteArray> text = lines(journal.path());
        text.removeLast();
        rewrite(journal.path(), text);
        const QString problem = journal.read().problem;
        QVERIFY2(problem.contains(QLatin1String("4 lines where it had 5")), qPrintable(problem));
    }

    void editedLastLine_isDetected()
    {
        const Engine::Journal journal = fiveRecords(QStringLiteral("last"));
        QList<QByteArray> text = lines(journal.path());
        text.last().replace("\"weight\":50", "\"weight\":0");
        rewrite(journal.path(), text);
        QCOMPARE(journal.read().problem, QStringLiteral("line 5, the last, was changed"));
    }

    void appendAfterReading_keepsTheChain()
    {
        Engine::Journal journal = fiveRecords(QStringLiteral("again"));
        Engine::Journal other(journal.path()); // another process appending to the same file
        QVERIFY(other.append({{QStringLiteral("action"), QStringLiteral("Rollback")}}).ok());
        QVERIFY(journal.append({{QStringLiteral("action"), QStringLiteral("Flip")}}).ok());
        const auto reading = journal.read();
        QCOMPARE(reading.problem, QString());
        QCOMPARE(reading.records.size(), 7);
    }

    void readingFromACursor_returnsOnlyTheLinesAppendedSince()
    {
        Engine::Journal journal = fiveRecords(QStringLiteral("cursor"));
        Engine::Journal::Cursor cursor;
        QCOMPARE(journal.readFrom(cursor).records.size(), 5);
        QCOMPARE(journal.readFrom(cursor).records.size(), 0);
        Engine::Journal other(journal.path()); // another process appending to the same file
        QVERIFY(other.append({{QStringLiteral("action"), QStringLiteral("Rollback")}}).ok());
        const auto reading = journal.readFrom(cursor);
        QCOMPARE(reading.problem, QString());
        QVERIFY(!reading.restarted);
        QCOMPARE(reading.records.size(), 1);
        QCOMPARE(reading.records.front().value(QLatin1String("action")).toString(), QStringLiteral("Rollback"));
        QCOMPARE(cursor.lines, 6);
    }

    void aBreakBeforeTheCursor_staysReported()
    {
        const Engine::Journal journal = fiveRecords(QStringLiteral("sticky"));
        QList<QByteArray> text = lines(journal.path());
        text[1].replace("\"user\":\"jane\"", "\"user\":\"mallory\"");
        rewrite(journal.path(), text);
        Engine::Journal::Cursor cursor;
        QVERIFY(journal.readFrom(cursor).problem.contains(QLatin1String("line 3")));
        const auto later = journal.readFrom(cursor); // nothing new, and the chain is still broken
        QCOMPARE(later.records.size(), 0);
        QVERIFY2(later.problem.contains(QLatin1String("line 3")), qPrintable(later.problem));
    }

    void aReplacedJournal_isReadAgainFromItsStart()
    {
        Engine::Journal journal = fiveRecords(QStringLiteral("replaced"));
        Engine::Journal::Cursor cursor;
        QCOMPARE(journal.readFrom(cursor).records.size(), 5);
        QVERIFY(QFile::remove(journal.path()));
        QVERIFY(QFile::remove(journal.path() + QStringLiteral(".head")));
        QVERIFY(journal.append({{QStringLiteral("action"), QStringLiteral("Flip")}}).ok());
        const auto reading = journal.readFrom(cursor);
        QVERIFY(reading.restarted);
        QCOMPARE(reading.problem, QString());
        QCOMPARE(reading.records.size(), 1);
        QCOMPARE(reading.records.front().value(QLatin1String("action")).toString(), QStringLiteral("Flip"));
    }

    // The last line read is checked again before a reading goes on: its edit is named at once.
    void anEditOfTheLastLineRead_isFoundOnTheNextReading()
    {
        const Engine::Journal journal = fiveRecords(QStringLiteral("editedlater"));
        Engine::Journal::Cursor cursor;
        QCOMPARE(journal.readFrom(cursor).problem, QString());
        QList<QByteArray> text = lines(journal.path());
        text.last().replace("\"weight\":50", "\"weight\":90"); // the same length
        rewrite(journal.path(), text);
        const auto reading = journal.readFrom(cursor);
        QVERIFY(reading.restarted);
        QCOMPARE(reading.problem, QStringLiteral("line 5, the last, was changed"));
    }

    void aLongerJournalInItsPlace_isReadFromItsStart()
    {
        Engine::Journal journal = fiveRecords(QStringLiteral("swapped"));
        Engine::Journal::Cursor cursor;
        QCOMPARE(journal.readFrom(cursor).records.size(), 5);
        Engine::Journal other(m_dir.filePath(QStringLiteral("swapped-other/journal.jsonl"))); // another history
        for (int i = 0; i < 7; ++i) {
            QVERIFY(other.append({{QStringLiteral("action"), QStringLiteral("Flip")}, {QStringLiteral("n"), i}}).ok());
        }
        for (const QString &suffix : {QString(), QStringLiteral(".head")}) {
            QVERIFY(QFile::remove(journal.path() + suffix));
            QVERIFY(QFile::copy(other.path() + suffix, journal.path() + suffix));
        }
        const auto reading = journal.readFrom(cursor);
        QVERIFY(reading.restarted);
        QCOMPARE(reading.problem, QString());
        QCOMPARE(reading.records.size(), 7);
    }

    // An append seen half-written (another process is writing it, or it was cut off) is named and
    // left for the next reading, which takes the whole line once it is there.
    void aLineWithoutItsNewline_isLeftForTheNextReading()
    {
        const Engine::Journal journal = fiveRecords(QStringLiteral("torn"));
        const QByteArray intact = readAll(journal.path());
        const QByteArray intactHead = readAll(journal.path() + QStringLiteral(".head"));
        QVERIFY(Engine::Journal(journal.path()).append({{QStringLiteral("action"), QStringLiteral("Rollback")}}).ok());
        const QByteArray sixth = readAll(journal.path()).mid(intact.size());
        const QByteArray sixthHead = readAll(journal.path() + QStringLiteral(".head"));
        writeAll(journal.path(), intact + sixth.left(sixth.size() / 2));
        writeAll(journal.path() + QStringLiteral(".head"), intactHead);

        Engine::Journal::Cursor cursor;
        const auto torn = journal.readFrom(cursor);
        QCOMPARE(torn.records.size(), 5);
        QCOMPARE(torn.problem, QStringLiteral("line 6 has no end of line: an append was cut off or is under way"));

        writeAll(journal.path(), intact + sixth);
        writeAll(journal.path() + QStringLiteral(".head"), sixthHead);
        const auto whole = journal.readFrom(cursor);
        QCOMPARE(whole.problem, QString());
        QCOMPARE(whole.records.size(), 1);
        QCOMPARE(whole.records.front().value(QLatin1String("action")).toString(), QStringLiteral("Rollback"));
    }

    // What the console's history reads: one cluster's records of one release, caught up on each look.
    void theIndex_givesOneReleasesRecordsOfOneCluster_andCatchesUp()
    {
        const QString path = m_dir.filePath(QStringLiteral("index/journal.jsonl"));
        Engine::Journal journal(path);
        const auto record = [](const QString &server, const QString &ns, const QString &release,
                               const QString &action) {
            return QJsonObject{{QStringLiteral("server"), server},
                               {QStringLiteral("namespace"), ns},
                               {QStringLiteral("release"), release},
                               {QStringLiteral("action"), action}};
        };
        const QString here = QStringLiteral("https://here:6443");
        QVERIFY(
            journal
                .append(record(here, QStringLiteral("demo"), QStringLiteral("checkout"), QStringLiteral("SetWeight")))
                .ok());
        QVERIFY(journal.append(record(here, QStringLiteral("shop"), QStringLiteral("checkout"), QStringLiteral("Flip")))
                    .ok());
        QVERIFY(journal
                    .append(record(QStringLiteral("https://elsewhere:6443"), QStringLiteral("demo"),
                                   QStringLiteral("checkout"), QStringLiteral("Rollback")))
                    .ok());
        Engine::JournalIndex index(path, here);
        auto found = index.entriesOf(QStringLiteral("demo"), QStringLiteral("checkout"));
        QCOMPARE(found.problem, QString());
        QCOMPARE(found.entries.size(), 1);
        QCOMPARE(found.entries.front().action, QStringLiteral("SetWeight"));

        QVERIFY(
            journal.append(record(here, QStringLiteral("demo"), QStringLiteral("checkout"), QStringLiteral("Promote")))
                .ok());
        found = index.entriesOf(QStringLiteral("demo"), QStringLiteral("checkout"));
        QCOMPARE(found.entries.size(), 2);
        QCOMPARE(found.entries.back().action, QStringLiteral("Promote")); // oldest first, as the file
        QCOMPARE(index.entriesOf(QStringLiteral("shop"), QStringLiteral("checkout")).entries.size(), 1);
    }

    // A line before the last one changed while the console runs: its next whole reading names it.
    void theIndex_findsAnEarlierEdit_onItsNextWholeReading()
    {
        const QString path = m_dir.filePath(QStringLiteral("indexedit/journal.jsonl"));
        Engine::Journal journal(path);
        const QString here = QStringLiteral("https://here:6443");
        for (int weight = 10; weight <= 50; weight += 10) {
            QVERIFY(journal
                        .append({{QStringLiteral("server"), here},
                                 {QStringLiteral("namespace"), QStringLiteral("demo")},
                                 {QStringLiteral("release"), QStringLiteral("checkout")},
                                 {QStringLiteral("weight"), weight}})
                        .ok());
        }
        Engine::JournalIndex index(path, here, std::chrono::milliseconds(0)); // a whole reading every look
        QCOMPARE(index.entriesOf(QStringLiteral("demo"), QStringLiteral("checkout")).problem, QString());
        QList<QByteArray> text = lines(path);
        text[1].replace("\"weight\":20", "\"weight\":90");
        rewrite(path, text);
        const auto found = index.entriesOf(QStringLiteral("demo"), QStringLiteral("checkout"));
        QVERIFY2(found.problem.contains(QLatin1String("line 3")), qPrintable(found.problem));
        QCOMPARE(found.entries.size(), 5); // each once, though read twice
    }

    void unwritableDirectory_isAnError()
    {
        QFile blocker(m_dir.filePath(QStringLiteral("blocker")));
        QVERIFY(blocker.open(QIODevice::WriteOnly));
        blocker.close();
        Engine::Journal journal(m_dir.filePath(QStringLiteral("blocker/journal.jsonl"))); // a file, not a directory
        const auto written = journal.append({{QStringLiteral("action"), QStringLiteral("SetWeight")}});
        QVERIFY(!written.ok());
        QVERIFY2(written.error().message.contains(QLatin1String("was not written")),
                 qPrintable(written.error().message));
    }
};

QTEST_GUILESS_MAIN(TestJournal)
#include "tst_journal.moc"
