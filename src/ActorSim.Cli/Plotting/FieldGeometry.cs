namespace ActorSim.Cli.Plotting;

/// <summary>
/// Where a field's cells are in physical space, from the run's scenario: the x (and y) extent covered by the array's
/// columns (and rows), the axis labels with units, the value's label, and whether the field is a histogram of
/// particles. <see cref="Transposed"/>: the array's rows run along x (the particle histograms of the muscle models,
/// indexed [X₁ bin, X₂ bin]).
/// </summary>
public sealed record FieldGeometry(
    double X0, double X1, string XLabel, double Y0, double Y1, string YLabel, string ValueLabel,
    bool Histogram = false, bool Transposed = false, bool Positions = false)
{
    public const string IndexLabel = "cell index i";

    /// <summary>The geometry of field <paramref name="name"/> with <paramref name="shape"/> in <paramref name="run"/>.</summary>
    public static FieldGeometry For(RunInfo run, string name, int[] shape)
    {
        int nx = shape.Length == 2 ? shape[1] : shape[0], ny = shape.Length == 2 ? shape[0] : 1;
        var byIndex = new FieldGeometry(0, nx, IndexLabel, 0, ny, "cell index j", name);
        string model = run.Model;
        double P(string key, double fallback) => run.Parameter(key) ?? fallback;

        if (model is "virus-pde" or "virus-kinetic" or "virus-kinetic-mc" && name is "u" or "v" or "w")
        {
            string what = QuantityFamilies.Describe(model, name) ?? QuantityFamilies.Describe("may-nowak-ode", name) ?? name;
            string unit = QuantityFamilies.Unit("may-nowak-ode", name, $"[{name}]");
            string value = model == "virus-kinetic-mc" ? $"{name}, {what} (particle density) {unit}" : $"{name}, {what} {unit}";
            // The Monte Carlo model's fields are particle counts per cell scaled to densities: drawn as a histogram.
            return new FieldGeometry(0, P("Lx", 1), "x [L]", 0, P("Ly", 1), "y [L]", value, Histogram: model == "virus-kinetic-mc");
        }
        if (model == "muscle-1d" && name == "rho")
            return new FieldGeometry(P("grid_min", 0), P("grid_max", 2.5), "x [L]", 0, 1, "", "ρ, mean-field density [1/L]");
        if (model == "huxley-particles" && name == "n")
        {
            double x0 = P("x_min", -1);
            return new FieldGeometry(x0, x0 + P("length", 2.5), "displacement x [L]", 0, 1, "", "attached fraction n",
                Histogram: true);
        }
        if (name == "hist" && model is "muscle-1d" or "muscle-linear" or "muscle-deformation-2d")
        {
            double lo = model == "muscle-1d" ? P("grid_min", 0) : -P("hist_extent", 2);
            double hi = model == "muscle-1d" ? P("grid_max", 2.5) : P("hist_extent", 2);
            return shape.Length == 2
                ? new FieldGeometry(lo, hi, "X₁ [L]", lo, hi, "X₂ [L]", "particle density [1/L²]", Histogram: true, Transposed: true)
                : new FieldGeometry(lo, hi, "X [L]", 0, 1, "", "particle density [1/L]", Histogram: true);
        }
        if (name == "X" && model is "muscle-1d" or "muscle-linear" or "muscle-deformation-2d")
            return shape.Length == 2 && shape[1] == 2
                ? new FieldGeometry(0, 0, "X₁ [L]", 0, 0, "X₂ [L]", "particles per bin", Positions: true)
                : new FieldGeometry(0, 0, "X [L]", 0, 1, "", "particles per bin", Positions: true);
        return byIndex;
    }
}
