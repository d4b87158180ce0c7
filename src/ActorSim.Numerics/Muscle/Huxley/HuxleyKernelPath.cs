namespace ActorSim.Numerics.Muscle.Huxley;

/// <summary>
/// The code path of <see cref="HuxleyParticleBlock.Step(ulong, ulong, double, double, Span{double})"/>: every path
/// gives the same bits (tests force each one to check that); <see cref="Auto"/> takes the widest the machine has.
/// </summary>
public enum HuxleyKernelPath
{
    /// <summary>AVX-512 generator if present, else AVX2, else scalar.</summary>
    Auto,

    /// <summary>One bridge at a time, the random words from the scalar Philox.</summary>
    Scalar,

    /// <summary>Four bridges per vector, eight Philox blocks per generator call (needs AVX2).</summary>
    Avx2,

    /// <summary>Eight bridges per vector, the random words from 512-bit Philox, sixteen blocks per call (needs AVX-512F and BMI2).</summary>
    Avx512,
}
