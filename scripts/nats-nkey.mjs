#!/usr/bin/env node
// Issues NATS nkey credentials (docs/nats-security.md).
//
//   node scripts/nats-nkey.mjs                 a new user key pair: the seed (give it to the
//                                              service or integration, as NATS_NKEY_SEED) and
//                                              the public key (put it in the server's config)
//   node scripts/nats-nkey.mjs public <seed>   the public key of an existing seed
//   node scripts/nats-nkey.mjs compose-env     fresh pairs for every role as .env lines for
//                                              docker-compose.yml (NATS_NKEY_SEED_<ROLE>, NATS_NKEY_<ROLE>)
//   node scripts/nats-nkey.mjs paas-env        fresh pairs for the five services as a PaaS wants them
//                                              (deploy/README.md): <ROLE>_NATS_NKEY_SEED for the
//                                              one-process service (its per-service prefix),
//                                              NATS_NKEY_<ROLE> for the NATS service
//
// A seed is a secret: whoever holds it connects as that role. Keep it in a secret store.
import { createUser, fromSeed } from '@nats-io/nkeys';

const ROLES = ['gateway', 'auth-service', 'tasks-service', 'events-service', 'realtime-service', 'integration'];
const decode = (bytes) => new TextDecoder().decode(bytes);
const variable = (role) => role.toUpperCase().replace(/-/g, '_');

const [command, argument] = process.argv.slice(2);
switch (command) {
  case undefined: {
    const pair = createUser();
    console.log(`seed (secret, NATS_NKEY_SEED): ${decode(pair.getSeed())}`);
    console.log(`public key (server config):    ${pair.getPublicKey()}`);
    break;
  }
  case 'public': {
    if (!argument) throw new Error('usage: node scripts/nats-nkey.mjs public <seed>');
    console.log(fromSeed(new TextEncoder().encode(argument.trim())).getPublicKey());
    break;
  }
  case 'compose-env': {
    console.log('# NATS credentials for docker-compose.yml, made by scripts/nats-nkey.mjs compose-env');
    for (const role of ROLES) {
      const pair = createUser();
      console.log(`NATS_NKEY_SEED_${variable(role)}=${decode(pair.getSeed())}`);
      console.log(`NATS_NKEY_${variable(role)}=${pair.getPublicKey()}`);
    }
    break;
  }
  case 'paas-env': {
    console.log('# NATS credentials for render.yaml / Railway, made by scripts/nats-nkey.mjs paas-env');
    console.log('# <ROLE>_NATS_NKEY_SEED: the taskflow service (one process; split: NATS_NKEY_SEED on that role\'s service)');
    console.log('# NATS_NKEY_<ROLE>: the NATS service (every one, integration included: auth.conf reads them all)');
    for (const role of ROLES) {
      const pair = createUser();
      console.log(`${variable(role)}_NATS_NKEY_SEED=${decode(pair.getSeed())}`);
      console.log(`NATS_NKEY_${variable(role)}=${pair.getPublicKey()}`);
    }
    break;
  }
  default:
    console.error(`unknown command "${command}"; see the top of scripts/nats-nkey.mjs`);
    process.exit(2);
}
