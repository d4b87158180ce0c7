Console.WriteLine("actorsim");
