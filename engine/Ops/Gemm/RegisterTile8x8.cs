using System.Numerics;
using NativeCnn.Engine.Devices.Gpu;

namespace NativeCnn.Engine.Ops;

/// <summary>
/// One thread's 8 x 8 block of C in 64 registers: rows r0..r0+3 and r0+Δr..r0+Δr+3, columns c0..c0+3 and
/// c0+Δc..c0+Δc+3 (<see cref="IGemmTile"/>), as sixteen quads named by row (0-7) and column half (Lo, Hi).
/// Fields, not an array: ILGPU does not unroll loops, so an array indexed in a loop would live in local memory; named
/// fields become registers (the compiled PTX has no <c>.local</c> state, which a test checks).
/// </summary>
internal struct RegisterTile8x8<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private Quad<T> _r0Lo, _r0Hi, _r1Lo, _r1Hi, _r2Lo, _r2Hi, _r3Lo, _r3Hi, _r4Lo, _r4Hi, _r5Lo, _r5Hi, _r6Lo, _r6Hi, _r7Lo, _r7Hi;

    /// <summary>The outer product of one depth step: C[i, j] += a[i]·b[j] for the thread's 8 rows (aLo, aHi) and 8
    /// columns (bLo, bHi): 64 fused multiply-adds on 16 values read from shared memory.</summary>
    public void Accumulate(Quad<T> aLo, Quad<T> aHi, Quad<T> bLo, Quad<T> bHi)
    {
        _r0Lo = Quad<T>.MultiplyAdd(aLo.X, bLo, _r0Lo); _r0Hi = Quad<T>.MultiplyAdd(aLo.X, bHi, _r0Hi);
        _r1Lo = Quad<T>.MultiplyAdd(aLo.Y, bLo, _r1Lo); _r1Hi = Quad<T>.MultiplyAdd(aLo.Y, bHi, _r1Hi);
        _r2Lo = Quad<T>.MultiplyAdd(aLo.Z, bLo, _r2Lo); _r2Hi = Quad<T>.MultiplyAdd(aLo.Z, bHi, _r2Hi);
        _r3Lo = Quad<T>.MultiplyAdd(aLo.W, bLo, _r3Lo); _r3Hi = Quad<T>.MultiplyAdd(aLo.W, bHi, _r3Hi);
        _r4Lo = Quad<T>.MultiplyAdd(aHi.X, bLo, _r4Lo); _r4Hi = Quad<T>.MultiplyAdd(aHi.X, bHi, _r4Hi);
        _r5Lo = Quad<T>.MultiplyAdd(aHi.Y, bLo, _r5Lo); _r5Hi = Quad<T>.MultiplyAdd(aHi.Y, bHi, _r5Hi);
        _r6Lo = Quad<T>.MultiplyAdd(aHi.Z, bLo, _r6Lo); _r6Hi = Quad<T>.MultiplyAdd(aHi.Z, bHi, _r6Hi);
        _r7Lo = Quad<T>.MultiplyAdd(aHi.W, bLo, _r7Lo); _r7Hi = Quad<T>.MultiplyAdd(aHi.W, bHi, _r7Hi);
    }

    /// <summary>Writes the block through <paramref name="c"/>: element (i, j) of the block goes to
    /// (<paramref name="row"/> + i or + <paramref name="rowStep"/> + i - 4, <paramref name="column"/> + j or + <paramref name="columnStep"/> + j - 4),
    /// shifted down by <paramref name="rowOffset"/>, where it lies inside <paramref name="rows"/> x <paramref name="columns"/>.</summary>
    public readonly void Store<TC>(TC c, int row, int column, int rowStep, int columnStep, int rows, int columns, int rowOffset)
        where TC : struct, IMatrixWriter<T>
    {
        int rowHi = row + rowStep, columnHi = column + columnStep;
        StoreRow(c, row, column, columnHi, _r0Lo, _r0Hi, rows, columns, rowOffset);
        StoreRow(c, row + 1, column, columnHi, _r1Lo, _r1Hi, rows, columns, rowOffset);
        StoreRow(c, row + 2, column, columnHi, _r2Lo, _r2Hi, rows, columns, rowOffset);
        StoreRow(c, row + 3, column, columnHi, _r3Lo, _r3Hi, rows, columns, rowOffset);
        StoreRow(c, rowHi, column, columnHi, _r4Lo, _r4Hi, rows, columns, rowOffset);
        StoreRow(c, rowHi + 1, column, columnHi, _r5Lo, _r5Hi, rows, columns, rowOffset);
        StoreRow(c, rowHi + 2, column, columnHi, _r6Lo, _r6Hi, rows, columns, rowOffset);
        StoreRow(c, rowHi + 3, column, columnHi, _r7Lo, _r7Hi, rows, columns, rowOffset);
    }

    private static void StoreRow<TC>(TC c, int row, int column, int columnHi, Quad<T> lo, Quad<T> hi, int rows, int columns, int rowOffset)
        where TC : struct, IMatrixWriter<T>
    {
        if (row >= rows) return;
        StoreQuad(c, row + rowOffset, column, lo, columns);
        StoreQuad(c, row + rowOffset, columnHi, hi, columns);
    }

    private static void StoreQuad<TC>(TC c, int row, int column, Quad<T> q, int columns) where TC : struct, IMatrixWriter<T>
    {
        if (column < columns) c.Write(row, column, q.X);
        if (column + 1 < columns) c.Write(row, column + 1, q.Y);
        if (column + 2 < columns) c.Write(row, column + 2, q.Z);
        if (column + 3 < columns) c.Write(row, column + 3, q.W);
    }
}
