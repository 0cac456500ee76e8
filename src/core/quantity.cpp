#include "core/quantity.h"

#include <QRegularExpression>

#include <cmath>

namespace Curtain::Core {

std::optional<double> parseQuantity(const QString &text)
{
    // The grammar of k8s.io/apimachinery's resource.Quantity: a signed decimal, then a binary
    // suffix (Ki … Ei), a decimal suffix (n, u, m, k, M … E) or a decimal exponent (e3, E-2).
    static const QRegularExpression shape(QStringLiteral(
        "^([+-]?(?:[0-9]+(?:\\.[0-9]*)?|\\.[0-9]+))(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E|[eE][+-]?[0-9]{1,3})?$"));
    if (text.size() > 64) {
        return std::nullopt;
    }
    const QRegularExpressionMatch match = shape.match(text);
    if (!match.hasMatch()) {
        return std::nullopt;
    }
    bool ok = false;
    const double number = match.captured(1).toDouble(&ok);
    if (!ok) {
        return std::nullopt;
    }
    const QString suffix = match.captured(2);
    double scale = 1;
    if (suffix.endsWith(QLatin1Char('i'))) {
        scale = std::pow(1024.0, double(QStringLiteral("KMGTPE").indexOf(suffix.at(0)) + 1));
    } else if (suffix == QLatin1String("m")) {
        scale = 1e-3;
    } else if (suffix == QLatin1String("u")) {
        scale = 1e-6;
    } else if (suffix == QLatin1String("n")) {
        scale = 1e-9;
    } else if (suffix.size() == 1) {
        scale = std::pow(1000.0, double(QStringLiteral("kMGTPE").indexOf(suffix.at(0)) + 1));
    } else if (!suffix.isEmpty()) {
        scale = std::pow(10.0, suffix.mid(1).toDouble());
    }
    const double value = number * scale;
    if (!std::isfinite(value) || value < 0) {
        return std::nullopt;
    }
    return value;
}

QString cpuText(double cores)
{
    if (cores < 1) {
        return QStringLiteral("%1m CPU").arg(std::lround(cores * 1000));
    }
    return QStringLiteral("%1 CPU").arg(QString::number(cores, 'g', 3));
}

QString memoryText(double bytes)
{
    const double mib = bytes / (1024.0 * 1024.0);
    if (mib < 1024) {
        return QStringLiteral("%1 MiB").arg(std::lround(mib));
    }
    return QStringLiteral("%1 GiB").arg(QString::number(mib / 1024.0, 'g', 3));
}

} // namespace Curtain::Core
