// Names as kube-apiserver checks them. The checks match kube's patterns character by character; the
// patterns themselves, compiled with std::regex, are the oracle here: every short string over the
// characters that matter must be judged the same way.

#include "sim/namerules.h"

#include <QTest>

#include <regex>

using namespace Curtain::Sim;

namespace {

// Every string of up to `length` characters over `alphabet`, the empty one first.
std::vector<std::string> allStrings(const std::string &alphabet, std::size_t length)
{
    std::vector<std::string> strings = {""};
    std::vector<std::string> previous = strings;
    for (std::size_t n = 1; n <= length; ++n) {
        std::vector<std::string> next;
        for (const std::string &prefix : previous) {
            for (const char c : alphabet) {
                next.push_back(prefix + c);
            }
        }
        strings.insert(strings.end(), next.begin(), next.end());
        previous = std::move(next);
    }
    return strings;
}

// Whether kube's words for a pattern mismatch are among the problems (the length has its own).
bool refusesPattern(const std::vector<std::string> &problems)
{
    return std::any_of(problems.begin(), problems.end(), [](const std::string &problem) {
        return problem.find("regex used for validation is") != std::string::npos;
    });
}

} // namespace

class TestNameRules : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    // Lower and upper case, digits, the punctuation the patterns allow or refuse, at each end and
    // in the middle: 37,449 strings, each judged as kube's regex judges it.
    void everyShortName_isJudgedAsKubesPatternJudgesIt()
    {
        const std::regex subdomain("[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");
        const std::regex label("[a-z0-9]([-a-z0-9]*[a-z0-9])?");
        const std::regex dns1035("[a-z]([-a-z0-9]*[a-z0-9])?");
        const std::regex qualified("([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]");
        const std::regex labelValue("(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?");
        const ResourceType &configMap = builtInType("ConfigMap");
        const ResourceType &service = builtInType("Service");
        const ResourceType &ns = builtInType("Namespace");
        int judged = 0;
        for (const std::string &value : allStrings("aZ09-_. ", 5)) {
            const QByteArray shown = QByteArray("\"") + value.c_str() + "\"";
            QVERIFY2(refusesPattern(nameProblems(configMap, value)) == !std::regex_match(value, subdomain), shown);
            QVERIFY2(refusesPattern(nameProblems(ns, value)) == !std::regex_match(value, label), shown);
            QVERIFY2(refusesPattern(nameProblems(service, value)) == !std::regex_match(value, dns1035), shown);
            QVERIFY2(refusesPattern(labelValueProblems(value)) == !std::regex_match(value, labelValue), shown);
            if (!value.empty()) { // an empty name part has words of its own
                QVERIFY2(refusesPattern(qualifiedNameProblems(value)) == !std::regex_match(value, qualified), shown);
            }
            ++judged;
        }
        QCOMPARE(judged, 37449);
    }

    // What users meet: the examples in kube's own messages pass, the usual mistakes do not.
    void usualNames_andUsualMistakes()
    {
        const ResourceType &deployment = builtInType("Deployment");
        QVERIFY(nameProblems(deployment, "checkout-green").empty());
        QVERIFY(nameProblems(deployment, "web.v2").empty());
        QVERIFY(refusesPattern(nameProblems(deployment, "Checkout")));
        QVERIFY(refusesPattern(nameProblems(deployment, "checkout-")));
        QVERIFY(refusesPattern(nameProblems(deployment, "web..v2")));
        QVERIFY(refusesPattern(nameProblems(builtInType("Service"), "2fast")));
        QVERIFY(nameProblems(builtInType("Namespace"), "2fast").empty());
        QVERIFY(refusesPattern(nameProblems(builtInType("Namespace"), "team.a")));
        QVERIFY(qualifiedNameProblems("app.kubernetes.io/version").empty());
        QVERIFY(qualifiedNameProblems("MyName").empty());
        QVERIFY(refusesPattern(qualifiedNameProblems("Example.com/x"))); // the prefix is a lower-case subdomain
        QVERIFY(refusesPattern(qualifiedNameProblems("example.com/-x")));
        QVERIFY(labelValueProblems("").empty());
        QVERIFY(labelValueProblems("v1.2.3_rc-1").empty());
        QVERIFY(refusesPattern(labelValueProblems("v1.2.3+build")));
        // The length is its own problem, beside the pattern's.
        QCOMPARE(nameProblems(builtInType("Service"), std::string(64, 'a')).size(), std::size_t(1));
        QCOMPARE(nameProblems(builtInType("Service"), std::string(63, 'a') + "-").size(), std::size_t(2));
    }
};

QTEST_APPLESS_MAIN(TestNameRules)
#include "tst_namerules.moc"
