// SPDX-License-Identifier: BSD-3-Clause
#include "demosequence.h"

#include <QtCore/qlist.h>

#include <array>
#include <cmath>

namespace DemoSequence {

namespace {

enum class Kind { Tick, Price, Metric, Log };

struct Slot
{
    int step; // within the cycle
    Kind kind;
    int ordinal; // among the slots of its kind in the cycle
};

const QList<Slot> &layout()
{
    static const QList<Slot> table = [] {
        QList<Slot> list;
        int ticks = 0, prices = 0, metrics = 0;
        for (int step = 0; step < StepsPerCycle; ++step) {
            if (step % 2 == 0)
                list.append({step, Kind::Tick, ticks++});
            if (step % 5 == 0)
                list.append({step, Kind::Price, prices++});
            if (step == 7 || step == 17)
                list.append({step, Kind::Metric, metrics++});
            if (step == 10)
                list.append({step, Kind::Log, 0});
        }
        return list;
    }();
    return table;
}

struct Position
{
    qint64 cycle;
    Slot slot;
};

Position positionOf(qint64 id)
{
    const qint64 index = qMax<qint64>(id, 1) - 1;
    const qint64 perCycle = layout().size();
    return {index / perCycle, layout().at(index % perCycle)};
}

// A stateless hash (splitmix64) for deterministic "noise".
quint64 mix(quint64 x)
{
    x += 0x9e3779b97f4a7c15ULL;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
    return x ^ (x >> 31);
}

double noise(quint64 seed) // in [-1, 1)
{
    return double(mix(seed) >> 11) / double(1ULL << 52) - 1.0;
}

constexpr std::array<const char *, 4> Symbols = {"QTX", "SSE", "ACME", "NET"};
constexpr std::array<double, 4> BasePrices = {101.0, 42.0, 250.0, 12.5};

double priceAt(int symbol, qint64 second)
{
    const double drift = 0.04 * std::sin(double(second) / 11.0 + symbol);
    const double jitter = 0.004 * noise(quint64(second) * 4 + quint64(symbol));
    return std::round(BasePrices[symbol] * (1.0 + drift + jitter) * 100.0) / 100.0;
}

QByteArray number(double value, int decimals)
{
    return QByteArray::number(value, 'f', decimals);
}

QByteArray priceData(const Position &p, qint64 id)
{
    const int symbol = p.slot.ordinal;
    const double price = priceAt(symbol, p.cycle);
    double change = std::round((price - priceAt(symbol, p.cycle - 1)) * 100.0) / 100.0;
    if (std::abs(change) < 0.005)
        change = 0.0; // never "-0.00"
    return "{\"symbol\":\"" + QByteArray(Symbols[symbol]) + "\",\"price\":" + number(price, 2)
            + ",\"change\":" + number(change, 2) + ",\"seq\":" + QByteArray::number(id) + '}';
}

QByteArray metricData(const Position &p)
{
    const qint64 half = p.cycle * 2 + p.slot.ordinal;
    const double cpu = 35.0 + 20.0 * std::sin(double(half) / 7.0) + 5.0 * noise(quint64(half));
    const int memory = 512 + int(half % 120) * 2;
    const int rps = 120 + int(40.0 * noise(quint64(half) + 7777));
    return "{\"host\":\"demo-1\",\"cpu\":" + number(cpu, 1) + ",\"memoryMb\":"
            + QByteArray::number(memory) + ",\"requestsPerSec\":" + QByteArray::number(rps) + '}';
}

QByteArray logData(const Position &p)
{
    static const char *const levels[] = {"INFO", "INFO", "DEBUG", "WARN", "INFO", "ERROR"};
    static const char *const paths[] = {"/api/items", "/api/orders", "/api/users", "/login"};
    static const char *const users[] = {"alice", "bob", "carol", "dave", "erin"};
    const qint64 n = p.cycle;
    const QByteArray level = levels[n % 6];
    const quint64 h = mix(quint64(n));
    const QByteArray path = QByteArray(paths[h % 4]) + '/' + QByteArray::number(h % 1000);
    const int status = level == "ERROR" ? 500 : level == "WARN" ? 429 : 200;
    const int ms = 3 + int((h >> 16) % 250);
    QByteArray text = level.leftJustified(5, ' ') + " worker-" + QByteArray::number(n % 4 + 1)
            + " GET " + path + " -> " + QByteArray::number(status) + " in " + QByteArray::number(ms)
            + " ms\n    user=" + users[(h >> 8) % 5]
            + " trace=" + QByteArray::number(h >> 32, 16).rightJustified(8, '0');
    if (level == "WARN")
        text += "\n    rate limit reached for this user (100 requests/min)";
    if (level == "ERROR")
        text += "\n    at Demo::Store::load (store.cpp:128)"
                "\n    at Demo::Api::handle (api.cpp:57)";
    return text;
}

} // namespace

int eventsPerCycle()
{
    return int(layout().size());
}

qint64 stepOf(qint64 id)
{
    const Position p = positionOf(id);
    return p.cycle * StepsPerCycle + p.slot.step;
}

qint64 firstIdAtOrAfter(qint64 step)
{
    const qint64 cycle = step / StepsPerCycle;
    const int inCycle = int(step % StepsPerCycle);
    qint64 id = cycle * eventsPerCycle() + 1;
    for (const Slot &slot : layout()) {
        if (slot.step >= inCycle)
            return id;
        ++id;
    }
    return id; // the first of the next cycle
}

bool isHeartbeatStep(qint64 step)
{
    return step % HeartbeatSteps == HeartbeatSteps - 1;
}

QByteArray eventType(qint64 id)
{
    switch (positionOf(id).slot.kind) {
    case Kind::Tick:
        return "tick";
    case Kind::Price:
        return "price";
    case Kind::Metric:
        return "metric";
    case Kind::Log:
        return "log";
    }
    return {};
}

QByteArray eventData(qint64 id)
{
    const Position p = positionOf(id);
    switch (p.slot.kind) {
    case Kind::Tick:
        return QByteArray::number(p.cycle * 10 + p.slot.ordinal + 1);
    case Kind::Price:
        return priceData(p, id);
    case Kind::Metric:
        return metricData(p);
    case Kind::Log:
        return logData(p);
    }
    return {};
}

QByteArray eventBlock(qint64 id)
{
    QByteArray block = "id: " + QByteArray::number(id) + "\nevent: " + eventType(id);
    const QList<QByteArray> lines = eventData(id).split('\n');
    for (const QByteArray &line : lines)
        block += "\ndata: " + line;
    block += "\n\n";
    return block;
}

} // namespace DemoSequence
