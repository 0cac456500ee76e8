#pragma once

#include <QHeaderView>
#include <QTableView>

namespace Curtain::Ui {

// The release list. Every column but the name is as wide as its contents ("degraded (metrics)"
// whole); the name takes what is left and elides. When the list is too narrow for all of them
// (1024×640, or the splitter pulled left), it leaves out the columns the detail repeats — the
// strategy, then the stable version — rather than scroll sideways, and brings them back as soon as
// they fit again. It never leaves out the column it is sorted by. The namespace column shows only
// while releases come from several namespaces.
class ReleaseTable final : public QTableView
{
    Q_OBJECT

public:
    explicit ReleaseTable(QWidget *parent = nullptr);

    void setModel(QAbstractItemModel *model) override;
    void setNamespaceShown(bool shown);

protected:
    void resizeEvent(QResizeEvent *event) override;
    void changeEvent(QEvent *event) override; // a font, style or language of other widths

private:
    // Hands out the width a header section wants for its title, which QHeaderView keeps protected and
    // answers for a hidden section too.
    class Header final : public QHeaderView
    {
    public:
        explicit Header(QWidget *parent) : QHeaderView(Qt::Horizontal, parent) {}
        int titleWidth(int section) const { return sectionSizeFromContents(section).width(); }
    };

    void fitColumnsSoon();
    void fitColumns();
    int wantedWidth(int column) const; // what ResizeToContents would give it
    int nameFloor() const;             // the least the name keeps before a column is left out

    Header *m_header;
    bool m_namespaceShown = false;
    bool m_fitPending = false;
};

} // namespace Curtain::Ui
