// The list workload of scripts/compare-node.sh: one row per item, so the cost grows
// with the state (read it, toggle one item, build N rows, write them), not with fixed
// per-request work. Both sides load this file as it is: @gitbook/runtime on Node
// through esbuild (as `gitbook publish` builds an integration), contentkit through
// `component::file::load`.
import { createComponent } from '@gitbook/runtime';

type Item = { label: string; done: boolean };
type State = { items: Item[] };
type Action = { action: 'toggle'; index: number };

export const list = createComponent<{}, State, Action>({
    componentId: 'list',
    initialState: { items: [] },
    action: async (element, action) => {
        switch (action.action) {
            case 'toggle':
                return {
                    state: {
                        items: element.state.items.map((item, i) =>
                            i === action.index ? { ...item, done: !item.done } : item,
                        ),
                    },
                };
            default:
                return {};
        }
    },
    render: async ({ state }) => (
        <block>
            <vstack>
                {state.items.map((item, i) => (
                    <hstack align="center">
                        <text>{item.label}</text>
                        <button
                            label={item.done ? 'Undo' : 'Done'}
                            style={item.done ? 'secondary' : 'primary'}
                            onPress={{ action: 'toggle', index: i }}
                        />
                    </hstack>
                ))}
            </vstack>
        </block>
    ),
});
