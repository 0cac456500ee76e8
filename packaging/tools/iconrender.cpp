// Renders Curtain's one SVG icon into what each platform wants: the hicolor theme's PNG sizes for
// Linux and a multi-size .ico for Windows (macOS's .icns is made from the PNGs by iconutil on a
// Mac). Runs at build time: iconrender SVG OUTPUT_DIR.

#include <QDir>
#include <QGuiApplication>
#include <QImage>
#include <QImageWriter>
#include <QPainter>
#include <QSvgRenderer>

#include <cstdio>

int main(int argc, char *argv[])
{
    qputenv("QT_QPA_PLATFORM", "offscreen");
    QGuiApplication app(argc, argv);
    if (argc != 3) {
        std::fprintf(stderr, "usage: iconrender SVG OUTPUT_DIR\n");
        return 2;
    }
    QSvgRenderer svg(QString::fromLocal8Bit(argv[1]));
    if (!svg.isValid()) {
        std::fprintf(stderr, "iconrender: %s is not a valid SVG\n", argv[1]);
        return 1;
    }
    const QDir out(QString::fromLocal8Bit(argv[2]));
    auto render = [&](int size) {
        QImage image(size, size, QImage::Format_ARGB32_Premultiplied);
        image.fill(Qt::transparent);
        QPainter painter(&image);
        painter.setRenderHint(QPainter::Antialiasing);
        svg.render(&painter);
        return image;
    };
    for (int size : {16, 22, 24, 32, 48, 64, 128, 256, 512}) {
        const QString dir = QStringLiteral("hicolor/%1x%1/apps").arg(size);
        if (!out.mkpath(dir) || !render(size).save(out.filePath(dir + QStringLiteral("/icon.png")))) {
            std::fprintf(stderr, "iconrender: cannot write %s\n", qPrintable(out.filePath(dir)));
            return 1;
        }
    }
    // Windows: one .ico; Qt's writer stores the largest image, so 256 px keeps it sharp everywhere.
    QImageWriter ico(out.filePath(QStringLiteral("curtain.ico")), "ico");
    if (!ico.write(render(256))) {
        std::fprintf(stderr, "iconrender: cannot write curtain.ico: %s\n", qPrintable(ico.errorString()));
        return 1;
    }
    return 0;
}
