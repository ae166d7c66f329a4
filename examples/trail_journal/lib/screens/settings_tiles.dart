part of 'settings_screen.dart';

class _SettingsGroupTitle extends StatelessWidget {
  const _SettingsGroupTitle({required this.title});

  final String title;

  @override
  Widget build(BuildContext context) {
    final textTheme = Theme.of(context).textTheme;
    return Padding(
      padding: Insets.card,
      child: Text(
        title.toUpperCase(),
        style: textTheme.labelSmall?.copyWith(letterSpacing: 1.2),
      ),
    );
  }
}

/// Switch between kilometres/metres and miles/feet.
class UnitsTile extends StatelessWidget {
  const UnitsTile({
    super.key,
    required this.isMetric,
    required this.onChanged,
  });

  final bool isMetric;
  final ValueChanged<bool> onChanged;

  @override
  Widget build(BuildContext context) {
    return SwitchListTile(
      secondary: const Icon(Icons.straighten),
      title: const Text('Metric units'),
      subtitle: Text(isMetric ? 'km, m' : 'mi, ft'),
      value: isMetric,
      onChanged: onChanged,
    );
  }
}

class ReminderTile extends StatefulWidget {
  const ReminderTile({
    super.key,
    required this.enabled,
    required this.onChanged,
  });

  final bool enabled;
  final ValueChanged<bool> onChanged;

  @override
  State<ReminderTile> createState() => _ReminderTileState();
}

class _ReminderTileState extends State<ReminderTile> {
  TimeOfDay _time = const TimeOfDay(hour: 7, minute: 0);

  Future<void> _pickTime() async {
    final picked = await showTimePicker(context: context, initialTime: _time);
    if (picked != null) {
      setState(() => _time = picked);
    }
  }

  @override
  Widget build(BuildContext context) {
    return Column(
      children: [
        SwitchListTile(
          secondary: const Icon(Icons.alarm),
          title: const Text('Weekend reminder'),
          value: widget.enabled,
          onChanged: widget.onChanged,
        ),
        if (widget.enabled)
          ListTile(
            contentPadding: Insets.horizontalMd,
            title: const Text('Remind me at'),
            trailing: Text(_time.format(context)),
            onTap: _pickTime,
          ),
      ],
    );
  }
}

/// App version and a link to the licenses page.
class AboutTile extends StatelessWidget {
  const AboutTile({super.key, required this.version});

  final String version;

  @override
  Widget build(BuildContext context) {
    return ListTile(
      leading: const Icon(Icons.info_outline),
      title: const Text('Trail Journal'),
      subtitle: Text('Version $version'),
      onTap: () => showLicensePage(
        context: context,
        applicationName: 'Trail Journal',
        applicationVersion: version,
      ),
    );
  }
}
