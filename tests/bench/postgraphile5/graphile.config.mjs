// PostGraphile 5 for the benchmark, as version 4 is run beside it: the schemas public and bench,
// a pool of 20 connections, no GraphiQL, no watch, no explain. `run` copies this file into the
// prefix where postgraphile@5 is installed, so that its imports resolve there, and gives the
// database and the port in the environment.
import { PostGraphileAmberPreset } from "postgraphile/presets/amber";
import { makePgService } from "postgraphile/adaptors/pg";

export default {
  extends: [PostGraphileAmberPreset],
  pgServices: [
    makePgService({
      connectionString: process.env.DATABASE_URL,
      schemas: ["public", "bench"],
      poolConfig: { max: 20 },
    }),
  ],
  grafserv: {
    host: "127.0.0.1",
    port: Number(process.env.PORT),
    graphiql: false,
    graphiqlOnGraphQLGET: false,
    watch: false,
    // Off by default; PG5_OUTPUT_AS_STRING=1 tries grafast's partly stringified answers.
    outputDataAsString: process.env.PG5_OUTPUT_AS_STRING === "1",
  },
  grafast: { explain: false },
};
