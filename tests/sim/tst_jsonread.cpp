// The sim's in-place JSON pointer walk reads exactly what nlohmann's own json_pointer reads, and
// gives null (never an exception) where that one has nothing or would throw.

#include "sim/jsonread.h"

#include <QTest>

using namespace Curtain::Sim;
using nlohmann::json;

class TestJsonRead : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void fieldAt_readsWhatJsonPointerReads_data()
    {
        QTest::addColumn<QString>("pointer");
        for (const char *pointer :
             {"", "/spec", "/spec/rules/0/backendRefs/1/weight", "/spec/rules/1", "/spec/rules/01", "/spec/rules/-",
              "/spec/rules/x", "/spec/rules/99999999999", "/metadata/annotations/curtain.dev~1plan",
              "/metadata/annotations/a~0b", "/metadata/annotations/~2", "/metadata/name/0", "/missing/deeper", "/spec/",
              "/", "spec", "/spec/rules/0/backendRefs/0/name/x"}) {
            QTest::newRow(pointer[0] ? pointer : "(whole)") << QString::fromLatin1(pointer);
        }
    }
    void fieldAt_readsWhatJsonPointerReads()
    {
        QFETCH(QString, pointer);
        const json object = json::parse(R"({"metadata":{"name":"catalog","annotations":{"curtain.dev/plan":"p",
            "a~b":"tilde","":"empty key"}},"spec":{"":"empty","rules":[{"backendRefs":[{"name":"blue","weight":90},
            {"name":"green","weight":10}]}]}})");
        const std::string text = pointer.toStdString();
        const json *walked = fieldAt(object, text);
        const json *expected = nullptr;
        try {
            const json::json_pointer parsed(text);
            expected = object.contains(parsed) ? &object.at(parsed) : nullptr;
        } catch (const json::exception &) {
            expected = nullptr; // not a pointer nlohmann accepts: nothing there either
        }
        QCOMPARE(walked, expected);
    }
};

QTEST_GUILESS_MAIN(TestJsonRead)
#include "tst_jsonread.moc"
