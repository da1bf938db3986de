using System.Numerics;
using ILGPU;
using NativeCnn.Engine.Devices.Gpu;

namespace NativeCnn.Engine.Ops;

/// <summary>
/// An operand of <see cref="GemmGpu"/>: the matrix op(A) or op(B), stored any way (dense, transposed, or gathered on the
/// fly from an image as im2col would lay it out). The kernel reads it four elements at a time along the direction
/// in which it is stored contiguously, so that neighbouring threads read neighbouring addresses (coalesced loads) and
/// dense operands can use vector loads.
/// </summary>
internal interface IMatrixReader<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>True when elements (r, c) and (r, c + 1) are neighbours in memory (or nearly, for a gather); false when
    /// (r, c) and (r + 1, c) are.</summary>
    static abstract bool RowMajor { get; }

    /// <summary>
    /// Elements (row, column + e) when <see cref="RowMajor"/>, (row + e, column) otherwise, for e = 0..3, each zero where
    /// it lies outside <paramref name="rows"/> x <paramref name="columns"/> (the edges of the matrix, or of a split of
    /// its depth). <paramref name="row"/> and <paramref name="column"/> are non-negative.
    /// </summary>
    Quad<T> Read4(int row, int column, int rows, int columns);
}

/// <summary>Where <see cref="GemmGpu"/> puts each element of its result (and what it does there: overwrite, blend with
/// beta, add a bias, apply a ReLU).</summary>
internal interface IMatrixWriter<T> where T : unmanaged
{
    /// <summary>Stores the product's element (<paramref name="row"/>, <paramref name="column"/>).</summary>
    void Write(int row, int column, T value);
}

/// <summary>Reads four elements one at a time, each with its own bounds check: the general path of gathered operands.</summary>
internal static class MatrixRead
{
    /// <summary>The four elements from (row, column) along a row (<paramref name="rowMajor"/>) or a column, each read
    /// through <paramref name="at"/> as a flat index or zero outside the matrix.</summary>
    public static Quad<T> Gather<T, TIndex>(ArrayView<T> data, TIndex at, bool rowMajor, int row, int column, int rows, int columns)
        where T : unmanaged, IFloatingPointIeee754<T> where TIndex : struct, IElementIndex
    {
        int dr = rowMajor ? 0 : 1, dc = rowMajor ? 1 : 0;
        return new Quad<T>(
            Element(data, at, row, column, rows, columns),
            Element(data, at, row + dr, column + dc, rows, columns),
            Element(data, at, row + 2 * dr, column + 2 * dc, rows, columns),
            Element(data, at, row + 3 * dr, column + 3 * dc, rows, columns));
    }

    private static T Element<T, TIndex>(ArrayView<T> data, TIndex at, int row, int column, int rows, int columns)
        where T : unmanaged, IFloatingPointIeee754<T> where TIndex : struct, IElementIndex
    {
        if (row >= rows || column >= columns) return T.Zero;
        int index = at.Index(row, column);
        return index < 0 ? T.Zero : data[index];
    }
}

/// <summary>Where element (row, column) of a gathered operand lives, or -1 where it is an implicit zero (padding).</summary>
internal interface IElementIndex
{
    /// <summary>The flat index of element (<paramref name="row"/>, <paramref name="column"/>), or -1.</summary>
    int Index(int row, int column);
}

/// <summary>A dense matrix with leading dimension ld: element (r, c) at r·ld + c (row-major) or c·ld + r (a transposed
/// row-major matrix, i.e. column-major).</summary>
internal readonly struct DenseIndex(int ld, bool rowMajor) : IElementIndex
{
    private readonly int _ld = ld, _rowMajor = rowMajor ? 1 : 0;

    public int Index(int row, int column) => _rowMajor != 0 ? row * _ld + column : column * _ld + row;
}

/// <summary>A row-major matrix with leading dimension ld, read element by element (any size, any alignment).</summary>
internal readonly struct RowMajorMatrix<T>(ArrayView<T> data, int ld) : IMatrixReader<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly ArrayView<T> _data = data;
    private readonly int _ld = ld;

    public static bool RowMajor => true;

    public Quad<T> Read4(int row, int column, int rows, int columns) =>
        MatrixRead.Gather(_data, new DenseIndex(_ld, true), true, row, column, rows, columns);
}

/// <summary>A column-major matrix (a row-major one read transposed) with leading dimension ld, element by element.</summary>
internal readonly struct ColumnMajorMatrix<T>(ArrayView<T> data, int ld) : IMatrixReader<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly ArrayView<T> _data = data;
    private readonly int _ld = ld;

    public static bool RowMajor => false;

    public Quad<T> Read4(int row, int column, int rows, int columns) =>
        MatrixRead.Gather(_data, new DenseIndex(_ld, false), false, row, column, rows, columns);
}

/// <summary>
/// A row-major matrix read as aligned quads, one vector load each. Only for a leading dimension and a column count
/// that are multiples of 4 (the host checks): the kernel reads quads at columns that are multiples of 4, so each lies
/// wholly inside or wholly outside the matrix.
/// </summary>
internal readonly struct RowMajorQuads<T>(ArrayView<T> data, int ld) : IMatrixReader<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly ArrayView<Quad<T>> _quads = data.Cast<Quad<T>>();
    private readonly int _ld = ld;

    public static bool RowMajor => true;

    public Quad<T> Read4(int row, int column, int rows, int columns) =>
        row < rows && column < columns ? _quads[(row * _ld + column) / 4] : default;
}

/// <summary>A column-major matrix read as aligned quads down its columns; the row count and leading dimension are
/// multiples of 4 (see <see cref="RowMajorQuads{T}"/>).</summary>
internal readonly struct ColumnMajorQuads<T>(ArrayView<T> data, int ld) : IMatrixReader<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly ArrayView<Quad<T>> _quads = data.Cast<Quad<T>>();
    private readonly int _ld = ld;

    public static bool RowMajor => false;

    public Quad<T> Read4(int row, int column, int rows, int columns) =>
        row < rows && column < columns ? _quads[(column * _ld + row) / 4] : default;
}

/// <summary>C = product + β·C into a row-major matrix with leading dimension ld; β = 0 never reads C (it may hold NaN).</summary>
internal readonly struct DenseOutput<T>(ArrayView<T> data, int ld, T beta) : IMatrixWriter<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly ArrayView<T> _data = data;
    private readonly int _ld = ld;
    private readonly T _beta = beta;

    public void Write(int row, int column, T value)
    {
        int at = row * _ld + column;
        _data[at] = _beta == T.Zero ? value : value + _beta * _data[at];
    }
}
