using ActorSim.Numerics.Muscle;

namespace ActorSim.Numerics.Tests.Muscle;

/// <summary>
/// A constraint seen through the base class only: it forwards everything, closed-form kinematics included, but hides its
/// type, so a particle block takes the per-particle path instead of a vectorised kernel. Tests compare the kernels with
/// it; the benchmarks (which link this file) time the path the kernels replaced.
/// </summary>
internal sealed class PerParticleView(ParticleConstraint inner) : ParticleConstraint(inner.Nx, inner.Ny)
{
    public override void Evaluate(ReadOnlySpan<double> x, ReadOnlySpan<double> y, Span<double> g) => inner.Evaluate(x, y, g);
    public override void JacobianX(ReadOnlySpan<double> x, ReadOnlySpan<double> y, Span<double> gx) => inner.JacobianX(x, y, gx);
    public override void JacobianY(ReadOnlySpan<double> x, ReadOnlySpan<double> y, Span<double> gy) => inner.JacobianY(x, y, gy);
    public override void SecondDerivative(ReadOnlySpan<double> x, ReadOnlySpan<double> y, ReadOnlySpan<double> a, ReadOnlySpan<double> b, Span<double> r)
        => inner.SecondDerivative(x, y, a, b, r);
    public override void Kinematics(ReadOnlySpan<double> x, ReadOnlySpan<double> y, ReadOnlySpan<double> ydot,
        Span<double> phi, Span<double> xdot, Span<double> omega) => inner.Kinematics(x, y, ydot, phi, xdot, omega);
    public override int Project(Span<double> x, ReadOnlySpan<double> y, ReadOnlySpan<double> target, double tolerance = 1e-15, int maxIterations = 20)
        => inner.Project(x, y, target, tolerance, maxIterations);
}
