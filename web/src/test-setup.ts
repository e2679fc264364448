// Set-up shared by the component tests.  CI runs them next to a sanitizer
// build on two cores, where a render can take far longer than on a quiet
// machine: the DOM queries wait up to 10 s (they return as soon as what they
// look for is there), and a test may take 30 s before it counts as hung.
import { configure } from '@testing-library/react';

configure({ asyncUtilTimeout: 10_000 });
