// The journal keeps who did what after the cluster has forgotten its Events; its hash chain makes a
// changed, removed or cut-off line visible.

#include "engine/journal.h"

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
