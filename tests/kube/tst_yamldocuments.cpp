// YAML and JSON files as Curtain reads them (inspect, plans, kubeconfig): documents and Lists as
// kubectl reads them, and limits that end hostile input with an error naming the limit instead of a
// loop or gigabytes of memory.

#include "kube/inputlimits.h"
#include "kube/yamldocuments.h"

#include <QElapsedTimer>
#include <QTest>

using namespace Curtain;
using Kube::Json;

namespace {

// Nine levels of ten aliases each: 10^9 nodes once expanded, from under a kilobyte of text.
QByteArray billionLaughs()
{
    QByteArray text = "a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n";
    for (int level = 1; level <= 9; ++level) {
        QByteArray line = "a" + QByteArray::number(level) + ": &a" + QByteArray::number(level) + " [";
        for (int i = 0; i < 10; ++i) {
            line += (i ? ", *a" : "*a") + QByteArray::number(level - 1);
        }
        text += line + "]\n";
    }
    return text;
}

QString messageOf(const Core::Result<std::vector<Json>> &result)
{
    return result.ok() ? QStringLiteral("(no error)") : result.error().message;
}

} // namespace

class TestYamlDocuments : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void documentsAndLists_flattenLikeKubectl()
    {
        const auto objects = Kube::parseObjects("kind: Rollout\nmetadata: {name: a}\n---\n---\n"
                                                "kind: List\nitems: [{kind: ReplicaSet, n: '1'}, 7]\n"
                                                "--- {\"kind\": \"AnalysisRun\", \"n\": 0x10}\n",
                                                QStringLiteral("saved.yaml"));
        QVERIFY2(objects.ok(), qPrintable(messageOf(objects)));
        QCOMPARE(objects.value().size(), std::size_t(3)); // the List's 7 is not an object
        QCOMPARE(Kube::stringAt(objects.value()[0], "/metadata/name"), QStringLiteral("a"));
        QCOMPARE(Kube::stringAt(objects.value()[1], "/n"), QStringLiteral("1")); // quoted stays text
        QCOMPARE(Kube::intAt(objects.value()[2], "/n"), 16);                     // unquoted: as YAML 1.1 reads it
    }

    void textScalars_keepWhatWasWritten()
    {
        const auto documents = Kube::parseYamlDocuments("server: 8080\ntoken: 0x1F\nflag: true\nnone: ~\n",
                                                        QStringLiteral("config"), Kube::YamlScalars::Text);
        QVERIFY2(documents.ok(), qPrintable(messageOf(documents)));
        const Json &root = documents.value().at(0);
        QCOMPARE(Kube::stringAt(root, "/server"), QStringLiteral("8080"));
        QCOMPARE(Kube::stringAt(root, "/token"), QStringLiteral("0x1F"));
        QCOMPARE(Kube::stringAt(root, "/flag"), QStringLiteral("true"));
        QVERIFY(root.contains("none") && root.find("none")->is_null());
    }

    void kindOfAnotherType_isNotAnObjectKindAndDoesNotThrow()
    {
        const auto objects =
            Kube::parseObjects("kind: 5\nitems: 3\n---\nkind: [List]\n---\nkind: List\nitems: {a: 1}\n", {});
        QVERIFY2(objects.ok(), qPrintable(messageOf(objects)));
        QCOMPARE(objects.value().size(), std::size_t(2)); // the two whose kind is not a string; no items
    }

    void invalidYaml_namesTheFileAndLine()
    {
        const auto objects = Kube::parseObjects("a: 1\nb: [unclosed\n", QStringLiteral("broken.yaml"));
        QVERIFY(!objects.ok());
        QVERIFY2(objects.error().message.startsWith(QStringLiteral("broken.yaml: not valid YAML")),
                 qPrintable(objects.error().message));
        QVERIFY2(objects.error().message.contains(QStringLiteral("line ")), qPrintable(objects.error().message));
    }

    void parserThatStopsAdvancing_isAnErrorNotALoop_data()
    {
        QTest::addColumn<QByteArray>("text");
        QTest::newRow("comma colon") << QByteArray(",:");
        QTest::newRow("comma colon after a document") << QByteArray("a: 1\n---\n,:\n");
    }

    void parserThatStopsAdvancing_isAnErrorNotALoop()
    {
        QFETCH(QByteArray, text);
        QElapsedTimer clock;
        clock.start();
        const auto objects = Kube::parseObjects(text, QStringLiteral("two.yaml"));
        QVERIFY(!objects.ok());
        QVERIFY2(objects.error().message.contains(QStringLiteral("two.yaml: not valid YAML")),
                 qPrintable(objects.error().message));
        QVERIFY(clock.elapsed() < 1000);
    }

    void aliasBomb_stopsAtTheNodeLimit()
    {
        const QByteArray text = billionLaughs();
        QVERIFY(text.size() < 1000);
        const auto objects = Kube::parseObjects(text, QStringLiteral("laughs.yaml"));
        QVERIFY(!objects.ok());
        QVERIFY2(objects.error().message.contains(
                     QStringLiteral("expands to more than %1 nodes").arg(Kube::Limits::maxYamlNodes)),
                 qPrintable(objects.error().message));
        QVERIFY(objects.error().message.startsWith(QStringLiteral("laughs.yaml: ")));
    }

    void aliasesWithinTheLimit_areExpanded()
    {
        const auto documents = Kube::parseYamlDocuments("base: &b {x: 1}\ncopy: *b\n", {});
        QVERIFY2(documents.ok(), qPrintable(messageOf(documents)));
        QCOMPARE(Kube::intAt(documents.value().at(0), "/copy/x"), 1);
    }

    void deepNesting_stopsAtTheDepthLimit()
    {
        const int depth = Kube::Limits::maxYamlDepth + 1;
        const auto tooDeep = Kube::parseYamlDocuments(QByteArray(depth, '[') + QByteArray(depth, ']'), {});
        QVERIFY(!tooDeep.ok());
        QVERIFY2(tooDeep.error().message.contains(QStringLiteral("deeper than %1 levels").arg(depth - 1)),
                 qPrintable(tooDeep.error().message));
        const auto atTheLimit = Kube::parseYamlDocuments(QByteArray(depth - 1, '[') + QByteArray(depth - 1, ']'), {});
        QVERIFY2(atTheLimit.ok(), qPrintable(messageOf(atTheLimit)));
    }

    // Found by fuzz_planfile and fuzz_kubeconfig: yaml-cpp passed the bytes through, and the plan
    // reader and the exec extension then aborted in nlohmann's dump().
    void textThatIsNotUtf8_isAnErrorNamingTheLine_data()
    {
        QTest::addColumn<QByteArray>("text");
        QTest::newRow("key") << QByteArray("steps:\n- pause: {duration: 1}\n\xab\xab: v\n");
        QTest::newRow("value") << QByteArray("a: 1\nb: 2\nc: caf\xe9\n");
        QTest::newRow("surrogate") << QByteArray("a: 1\nb: 2\nc: \"\xed\xa0\x80\"\n");
    }
    void textThatIsNotUtf8_isAnErrorNamingTheLine()
    {
        QFETCH(QByteArray, text);
        for (const auto scalars : {Kube::YamlScalars::Typed, Kube::YamlScalars::Text}) {
            const auto documents = Kube::parseYamlDocuments(text, QStringLiteral("latin1.yaml"), scalars);
            QVERIFY(!documents.ok());
            QVERIFY2(documents.error().message.startsWith(QStringLiteral("latin1.yaml: holds text that is not UTF-8")),
                     qPrintable(documents.error().message));
            QVERIFY2(documents.error().message.contains(QStringLiteral("line 3")),
                     qPrintable(documents.error().message));
        }
        const auto utf8 = Kube::parseYamlDocuments("a: caf\xc3\xa9\n", {});
        QVERIFY2(utf8.ok(), qPrintable(messageOf(utf8)));
        QCOMPARE(Kube::stringAt(utf8.value().at(0), "/a"), QStringLiteral("caf\u00e9"));
    }
};

QTEST_GUILESS_MAIN(TestYamlDocuments)
#include "tst_yamldocuments.moc"
