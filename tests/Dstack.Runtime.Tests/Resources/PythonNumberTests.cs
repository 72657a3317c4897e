using Dstack.Runtime.Resources;

namespace Dstack.Runtime.Tests.Resources;

/// <summary>Python's str() of a float, which dstack applies to `python` and `compute_capability` numbers.</summary>
[Trait("Category", "Fast")]
public sealed class PythonNumberTests
{
    [Theory]
    [InlineData(3.1, "3.1")]
    [InlineData(3.9, "3.9")]
    [InlineData(7.0, "7.0")]
    [InlineData(-2.5, "-2.5")]
    [InlineData(0.0, "0.0")]
    [InlineData(0.5, "0.5")]
    [InlineData(0.0001, "0.0001")]
    [InlineData(0.00001, "1e-05")]
    [InlineData(0.00015, "0.00015")]
    [InlineData(123.456, "123.456")]
    [InlineData(1e15, "1000000000000000.0")]
    [InlineData(1e16, "1e+16")]
    [InlineData(1.5e16, "1.5e+16")]
    [InlineData(0.30000000000000004, "0.30000000000000004")]
    [InlineData(double.PositiveInfinity, "inf")]
    public void FloatRepr_IsPythonsStr(double value, string expected)
    {
        Assert.Equal(expected, PythonNumber.FloatRepr(value));
    }
}
