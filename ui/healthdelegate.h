#pragma once

#include "theme.h"

#include <QStyledItemDelegate>

namespace Curtain::Ui {

// Colors one column by the health word it shows (healthy, canary, degraded, unreachable…), so the
// models stay free of GUI types.
class HealthDelegate final : public QStyledItemDelegate
{
public:
    HealthDelegate(int healthColumn, QObject *parent) : QStyledItemDelegate(parent), m_column(healthColumn) {}

protected:
    void initStyleOption(QStyleOptionViewItem *option, const QModelIndex &index) const override
    {
        QStyledItemDelegate::initStyleOption(option, index);
        if (index.column() == m_column) {
            option->palette.setColor(QPalette::Text, Theme::healthColor(index.data().toString(), option->palette));
            option->font.setBold(true);
        }
    }

private:
    int m_column;
};

} // namespace Curtain::Ui
