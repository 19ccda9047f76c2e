namespace MetricsPipeline.Samples;

/// <summary>The few distributions the generators need, on a seeded <see cref="Random"/>.</summary>
public static class RandomExtensions
{
    /// <summary>Standard normal draw (Box–Muller).</summary>
    public static double NextGaussian(this Random rng)
    {
        var u1 = 1.0 - rng.NextDouble();
        var u2 = rng.NextDouble();
        return Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2);
    }

    /// <summary>Poisson draw: exact (Knuth) for small means, normal approximation above 30 where it is close enough.</summary>
    public static int NextPoisson(this Random rng, double mean)
    {
        if (mean <= 0) return 0;
        if (mean >= 30) return Math.Max(0, (int)Math.Round(mean + Math.Sqrt(mean) * rng.NextGaussian()));
        var limit = Math.Exp(-mean);
        var k = 0;
        var p = rng.NextDouble();
        while (p > limit) { k++; p *= rng.NextDouble(); }
        return k;
    }

    /// <summary>True with probability <paramref name="p"/>.</summary>
    public static bool Chance(this Random rng, double p) => rng.NextDouble() < p;

    /// <summary>Uniform integer in [min, max], both ends included.</summary>
    public static int Between(this Random rng, int min, int max) => rng.Next(min, max + 1);

    public static T PickOne<T>(this Random rng, IReadOnlyList<T> items) => items[rng.Next(items.Count)];
}
