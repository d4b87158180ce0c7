using ActorSim.Simulation.Output;
using FluentAssertions;

namespace ActorSim.Simulation.Tests.Output;

/// <summary>Checks against numpy itself, where a Python with numpy is installed (skipped elsewhere).</summary>
public class NumpyInteropTests
{
    [NumpyFact]
    public void Numpy_loads_our_2D_file_with_the_right_shape_and_values()
    {
        using var dir = new TempDir();
        string path = dir.File("u_0003.npy");
        double[] data = Enumerable.Range(0, 20).Select(k => k * 0.25 - 1).ToArray();
        data[7] = double.NaN;
        NpyWriter.Write2D(path, data, 4, 5);

        int rc = Numpy.Run($$"""
            import numpy as np
            a = np.load({{Py(path)}})
            print(a.dtype, a.shape, a.flags['C_CONTIGUOUS'], repr(float(a[0, 4])), repr(float(a[3, 0])), int(np.isnan(a).sum()), repr(float(np.nansum(a))))
            """, out string stdout, out string stderr);
        rc.Should().Be(0, stderr);
        double nansum = data.Where(v => !double.IsNaN(v)).Sum();
        stdout.Trim().Should().Be($"float64 (4, 5) True 0.0 2.75 1 {nansum.ToString("R", System.Globalization.CultureInfo.InvariantCulture)}");
    }

    [NumpyFact]
    public void Our_files_are_byte_identical_to_numpy_save_and_we_read_numpys()
    {
        using var dir = new TempDir();
        string theirs = dir.File("theirs.npy"), ours = dir.File("ours.npy");
        int rc = Numpy.Run($"""
            import numpy as np
            np.save({Py(theirs)}, (np.arange(36.0).reshape(6, 6) / 7.0))
            """, out _, out string stderr);
        rc.Should().Be(0, stderr);
        double[] data = Enumerable.Range(0, 36).Select(k => k / 7.0).ToArray();
        NpyWriter.Write2D(ours, data, 6, 6);

        File.ReadAllBytes(ours).Should().Equal(File.ReadAllBytes(theirs));
        var a = NpyReader.Read(theirs);
        a.Shape.Should().Equal(6, 6);
        a.Data.Should().Equal(data);
    }

    private static string Py(string path) => "r'" + path + "'";
}
